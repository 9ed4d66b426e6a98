import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { type DPoPOptions, dpop } from './dpop.js'
import { protectedResourceMetadata } from './protected-resource-metadata.js'

const verifyAccessToken = async () => ({ sub: 'alice' })

describe('@dpop/fastify registration', () => {
  it('rejects a bad publicUrl or guard configuration with TypeError when the app loads', async () => {
    for (const options of [
      { verifyAccessToken, publicUrl: 'api.example.com' },
      { verifyAccessToken, decoratorName: '' },
      { verifyAccessToken, errors: 'next' } as unknown as DPoPOptions,
      {} as DPoPOptions,
    ]) {
      const app = Fastify()
      app.register(dpop, options)
      await expect(app.ready()).rejects.toThrow(TypeError)
      await app.close()
    }
    const app = Fastify()
    app.register(protectedResourceMetadata, { verifyAccessToken })
    await expect(app.ready()).rejects.toThrow(TypeError)
    await app.close()
  })

  it('rejects mistaken scopes when the hook is made, not on every request', async () => {
    const app = Fastify()
    await app.register(dpop, { verifyAccessToken })
    expect(() => app.dpop.requireScopes(['two words'])).toThrow(TypeError)
    await app.close()
  })

  it('asks for an encapsulated scope for a second guard instead of replacing the first', async () => {
    const app = Fastify()
    app.register(dpop, { verifyAccessToken })
    app.register(dpop, { verifyAccessToken })
    await expect(app.ready()).rejects.toMatchObject({ code: 'FST_ERR_DEC_ALREADY_PRESENT' })
    await app.close()
  })
})
