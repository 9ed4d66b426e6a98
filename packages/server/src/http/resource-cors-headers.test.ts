import { describe, expect, it } from 'vitest'
import { resourceCorsHeaders } from './resource-cors-headers.js'

describe('resourceCorsHeaders (RFC 9449 §8, §9: browsers must read DPoP-Nonce and WWW-Authenticate)', () => {
  it('allows a listed origin to send Authorization and DPoP and read the DPoP response headers', () => {
    expect(resourceCorsHeaders('https://app.example', ['https://app.example'])).toEqual({
      Vary: 'Origin',
      'Access-Control-Allow-Origin': 'https://app.example',
      'Access-Control-Allow-Headers': 'Authorization, DPoP, Content-Type',
      'Access-Control-Expose-Headers': 'DPoP-Nonce, WWW-Authenticate',
    })
  })

  it('adds methods and max age to a preflight answer', () => {
    const headers = resourceCorsHeaders('https://app.example', '*', {
      preflight: true,
      methods: ['GET'],
      maxAge: 60,
    })
    expect(headers['Access-Control-Allow-Methods']).toBe('GET')
    expect(headers['Access-Control-Max-Age']).toBe('60')
    expect(headers['Access-Control-Allow-Origin']).toBe('https://app.example')
  })

  it('answers only Vary for an origin that is not allowed or absent', () => {
    expect(resourceCorsHeaders('https://evil.example', ['https://app.example'])).toEqual({ Vary: 'Origin' })
    expect(resourceCorsHeaders(undefined, '*')).toEqual({ Vary: 'Origin' })
    expect(resourceCorsHeaders('https://evil.example', (origin) => origin.endsWith('.app.example'))).toEqual({
      Vary: 'Origin',
    })
  })

  it('throws TypeError for a bad allowedOrigins', () => {
    expect(() =>
      resourceCorsHeaders('https://a.example', 'https://a.example' as unknown as string[]),
    ).toThrow(TypeError)
  })
})
