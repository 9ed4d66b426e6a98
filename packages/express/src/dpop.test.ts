import { describe, expect, it } from 'vitest'
import { type DPoPOptions, dpop } from './dpop.js'
import { protectedResourceMetadata } from './protected-resource-metadata.js'

const verifyAccessToken = async () => ({ sub: 'alice' })

describe('@dpop/express construction', () => {
  it('rejects a bad publicUrl or guard configuration with TypeError before any request', () => {
    expect(() => dpop({ verifyAccessToken, publicUrl: 'api.example.com' })).toThrow(TypeError)
    expect(() => dpop({ verifyAccessToken, publicUrl: 'https://api.example.com/?x=1' })).toThrow(TypeError)
    expect(() => dpop({} as DPoPOptions)).toThrow(TypeError)
    expect(() => dpop({ verifyAccessToken, requestProperty: '' })).toThrow(TypeError)
    expect(() => dpop({ verifyAccessToken, errors: 'next' } as unknown as DPoPOptions)).toThrow(TypeError)
    expect(() => protectedResourceMetadata({ verifyAccessToken })).toThrow(TypeError)
    expect(() => dpop({ verifyAccessToken }).requireScopes(['two words'])).toThrow(TypeError)
  })
})
