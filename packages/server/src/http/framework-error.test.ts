import { contextualizeError, DPoPError, isDPoPError, MISSING_CREDENTIALS } from '@dpop/core'
import { describe, expect, it } from 'vitest'
import { frameworkError } from './framework-error.js'
import { resolveFrameworkAdapter } from './resolve-framework-adapter.js'

const challenge = { algs: ['ES256'] }

describe('RFC 6750 §3, RFC 9449 §9: the DPoPError handed to a framework error handler', () => {
  it('carries the status, the challenge, DPoP-Nonce, Cache-Control and CORS headers, and the JSON body', () => {
    const guardError = contextualizeError(
      new DPoPError('use_dpop_nonce', 'nonce_missing', {
        description: 'nonce required',
        nonce: 'n-1',
      }),
      'resource',
      challenge,
    )
    const error = frameworkError(guardError, { 'Access-Control-Allow-Origin': 'https://app.example' })
    expect(isDPoPError(error)).toBe(true)
    expect(error.status).toBe(401)
    expect(error.expose).toBe(true)
    expect(error.headers).toEqual({
      ...guardError.headers,
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': 'https://app.example',
    })
    expect(error.headers['WWW-Authenticate']).toContain('error="use_dpop_nonce"')
    expect(error.headers['DPoP-Nonce']).toBe('n-1')
    expect(error.headers).not.toHaveProperty('Content-Type')
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      error: 'use_dpop_nonce',
      error_description: 'nonce required',
    })
    expect(error.cause).toBe(guardError)
  })

  it('keeps the bare challenge of a request without credentials', () => {
    const guardError = contextualizeError(
      new DPoPError('invalid_token', MISSING_CREDENTIALS),
      'resource',
      challenge,
    )
    const error = frameworkError(guardError)
    expect(error.status).toBe(401)
    expect(error.reason).toBe(MISSING_CREDENTIALS)
    expect(error.headers['WWW-Authenticate']).toBe('DPoP algs="ES256"')
  })
})

describe('framework adapter options', () => {
  const verifyAccessToken = async () => ({ sub: 'alice' })

  it('defaults to answering failures and requiring credentials', () => {
    const resolved = resolveFrameworkAdapter({ verifyAccessToken })
    expect(resolved).toMatchObject({ credentialsRequired: true, errors: 'respond', publicUrl: undefined })
  })

  it('rejects a mistaken value with TypeError when the adapter is made', () => {
    for (const options of [
      { verifyAccessToken, errors: 'next' },
      { verifyAccessToken, credentialsRequired: 'no' },
      { verifyAccessToken, publicUrl: 'api.example.com' },
      null,
    ]) {
      expect(() => resolveFrameworkAdapter(options as never)).toThrow(TypeError)
    }
  })

  it('checks the scopes of a route when the route is made, and lets it override credentialsRequired', () => {
    const { routeOptions } = resolveFrameworkAdapter({ verifyAccessToken, credentialsRequired: false })
    expect(routeOptions()).toEqual({ credentialsRequired: false })
    expect(routeOptions({ requiredScopes: ['admin'], credentialsRequired: true })).toEqual({
      credentialsRequired: true,
      requiredScopes: ['admin'],
    })
    expect(() => routeOptions({ requiredScopes: ['two words'] })).toThrow(TypeError)
    expect(() => routeOptions({ requiredScopes: 'admin' as never })).toThrow(TypeError)
  })
})
