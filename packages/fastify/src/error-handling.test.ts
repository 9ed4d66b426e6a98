import { type ConformanceFixtures, createConformanceFixtures, sendRequest } from '@dpop/adapter-tests'
import { isDPoPError } from '@dpop/server'
import Fastify5, { type FastifyInstance } from 'fastify'
import Fastify4 from 'fastify4'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DPoPRequest, dpop } from './index.js'

const majors = [
  ['Fastify 5', Fastify5],
  ['Fastify 4', Fastify4 as unknown as typeof Fastify5],
] as const

describe.each(majors)('@dpop/fastify on %s: setErrorHandler, decoratorName, requireScopes', (_, Fastify) => {
  let fixtures: ConformanceFixtures
  let app: FastifyInstance
  let origin: string

  beforeAll(async () => {
    fixtures = await createConformanceFixtures()
    app = Fastify()
    await app.register(dpop, { ...fixtures.guard, errors: 'framework', decoratorName: 'user' })
    // The app's own shape of an authentication failure; the challenge headers stay.
    app.setErrorHandler((error, _request, reply) => {
      if (!isDPoPError(error)) return reply.send(error)
      return reply
        .code(error.status)
        .headers(error.headers)
        .send({ message: error.message, code: error.code })
    })
    app.get('/me', { preHandler: app.dpop.preHandler() }, async (request: DPoPRequest<'user'>) => ({
      sub: request.user?.claims.sub,
      dpop: request.dpop ?? null,
    }))
    app.get('/admin', { preHandler: app.dpop.requireScopes(['admin']) }, async () => ({}))
    app.get('/legacy', { preHandler: app.dpop.preHandler({ requiredScopes: ['admin'] }) }, async () => ({}))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  })

  afterAll(() => app?.close())

  async function dpopHeaders(path: string) {
    const proof = await fixtures.proof('GET', origin + path, { accessToken: fixtures.tokens.read })
    return { authorization: `DPoP ${fixtures.tokens.read}`, dpop: proof }
  }

  it('RFC 6750 §3: setErrorHandler reshapes the DPoPError and keeps its status and challenge', async () => {
    const response = await sendRequest(`${origin}/me`)
    expect(response.status).toBe(401)
    expect(response.headers['www-authenticate']).toMatch(/^DPoP .*algs="/)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(JSON.parse(response.body)).toEqual({ message: 'access token required', code: 'invalid_token' })
  })

  it('sets the result on request[decoratorName] only', async () => {
    const response = await sendRequest(`${origin}/me`, { headers: await dpopHeaders('/me') })
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ sub: 'alice', dpop: null })
  })

  it('RFC 6750 §3.1: requireScopes() and the deprecated preHandler({ requiredScopes }) require the scopes', async () => {
    for (const path of ['/admin', '/legacy']) {
      const response = await sendRequest(origin + path, { headers: await dpopHeaders(path) })
      expect(response.status).toBe(403)
      expect(JSON.parse(response.body)).toMatchObject({ code: 'insufficient_scope' })
    }
  })
})
