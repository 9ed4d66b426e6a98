import { describe, expect, it } from 'vitest'
import { DPoPError, isDPoPError } from './dpop-error.js'
import { contextualizeError, MISSING_CREDENTIALS } from './error-context.js'

describe('error tables of RFC 6749 §5.2, RFC 6750 §3 and RFC 9449 §7.1', () => {
  const proofError = new DPoPError('invalid_dpop_proof', 'htu', { description: 'bad htu' })
  it('answers the token endpoint with 400 and a JSON body', () => {
    const error = contextualizeError(proofError, 'token')
    expect(error.status).toBe(400)
    expect(error.headers).toEqual({})
    expect(error.toJSON()).toEqual({ error: 'invalid_dpop_proof', error_description: 'bad htu' })
    expect(contextualizeError(new DPoPError('invalid_client', 'internal'), 'token').status).toBe(401)
    expect(contextualizeError(new DPoPError('temporarily_unavailable', 'internal'), 'token').status).toBe(503)
  })
  it("RFC 9110 §10.2.3: a 503 carries Retry-After, the error's own value first, in both contexts", () => {
    for (const context of ['token', 'resource'] as const) {
      const unavailable = contextualizeError(
        new DPoPError('temporarily_unavailable', 'redis_unavailable'),
        context,
      )
      expect(unavailable.headers['Retry-After']).toBe('1')
      expect(unavailable.headers['WWW-Authenticate']).toBeUndefined()
      const told = new DPoPError('temporarily_unavailable', 'redis_unavailable', {
        headers: { 'Retry-After': '5' },
      })
      expect(contextualizeError(told, context).headers['Retry-After']).toBe('5')
    }
    expect(contextualizeError(proofError, 'resource').headers['Retry-After']).toBeUndefined()
    expect(
      contextualizeError(new DPoPError('server_error', 'internal'), 'token').headers['Retry-After'],
    ).toBeUndefined()
  })
  it('answers a resource with 401 and a DPoP challenge', () => {
    const error = contextualizeError(proofError, 'resource', {
      algs: ['ES256'],
      resourceMetadata: 'https://r/.well-known/x',
    })
    expect(error.status).toBe(401)
    expect(error.statusCode).toBe(401)
    expect(error.headers['WWW-Authenticate']).toBe(
      'DPoP error="invalid_dpop_proof", error_description="bad htu", resource_metadata="https://r/.well-known/x", algs="ES256"',
    )
  })
  it('names no error when credentials are missing (RFC 6750 §3.1)', () => {
    const error = contextualizeError(new DPoPError('invalid_token', MISSING_CREDENTIALS), 'resource', {
      algs: ['ES256'],
      bearer: true,
    })
    expect(error.headers['WWW-Authenticate']).toBe('DPoP algs="ES256", Bearer')
  })
  it('answers insufficient_scope with 403 and the scope', () => {
    const error = contextualizeError(new DPoPError('insufficient_scope', 'scope'), 'resource', {
      scope: 'read write',
    })
    expect(error.status).toBe(403)
    expect(error.headers['WWW-Authenticate']).toBe('DPoP error="insufficient_scope", scope="read write"')
  })
  it('carries the nonce in DPoP-Nonce in both contexts', () => {
    const nonce = new DPoPError('use_dpop_nonce', 'nonce_missing', { nonce: 'n1' })
    expect(contextualizeError(nonce, 'token').headers).toEqual({ 'DPoP-Nonce': 'n1' })
    expect(contextualizeError(nonce, 'resource').headers['DPoP-Nonce']).toBe('n1')
  })
  it('is recognized across copies by isDPoPError', () => {
    expect(isDPoPError(proofError)).toBe(true)
    expect(isDPoPError(new Error('x'))).toBe(false)
    expect(isDPoPError({ code: 'invalid_token' })).toBe(false)
    expect(proofError.expose).toBe(true)
  })
})
