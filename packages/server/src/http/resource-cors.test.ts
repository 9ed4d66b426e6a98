import { describe, expect, it } from 'vitest'
import { resourceCors } from './resource-cors.js'

const headers = (values: Record<string, string>) => (name: string) => values[name]

describe('RFC 9449 §8, §9 CORS for a protected resource', () => {
  it('recognizes a preflight and answers it for an allowed origin', () => {
    const cors = resourceCors(
      'OPTIONS',
      headers({ origin: 'https://app.example', 'access-control-request-method': 'GET' }),
      ['https://app.example'],
    )
    expect(cors.preflight).toBe(true)
    expect(cors.headers['Access-Control-Allow-Headers']).toBe('Authorization, DPoP, Content-Type')
    expect(cors.headers['Access-Control-Expose-Headers']).toBe('DPoP-Nonce, WWW-Authenticate')
    expect(cors.headers['Access-Control-Allow-Methods']).toBeDefined()
  })
  it('treats OPTIONS without Access-Control-Request-Method, or without Origin, as a plain request', () => {
    expect(resourceCors('OPTIONS', headers({ origin: 'https://app.example' }), '*').preflight).toBe(false)
    expect(resourceCors('OPTIONS', headers({ 'access-control-request-method': 'GET' }), '*').preflight).toBe(
      false,
    )
    expect(
      resourceCors('OPTIONS', headers({ origin: '', 'access-control-request-method': 'GET' }), '*').preflight,
    ).toBe(false)
  })
  it('adds no CORS headers for a foreign origin or without allowedOrigins', () => {
    const foreign = resourceCors('GET', headers({ origin: 'https://evil.example' }), ['https://app.example'])
    expect(foreign.headers).toEqual({ Vary: 'Origin' })
    expect(resourceCors('GET', headers({ origin: 'https://app.example' }), undefined).headers).toEqual({})
  })
})
