import { describe, expect, it } from 'vitest'
import { buildWWWAuthenticate, parseWWWAuthenticate } from './www-authenticate.js'

describe('RFC 9110 §11.6.1 WWW-Authenticate with RFC 9449 §7.1 parameters', () => {
  it('builds a DPoP challenge with algs', () => {
    expect(buildWWWAuthenticate({ error: 'invalid_token', algs: ['ES256', 'EdDSA'] })).toBe(
      'DPoP error="invalid_token", algs="ES256 EdDSA"',
    )
    expect(buildWWWAuthenticate({ algs: ['ES256'] })).toBe('DPoP algs="ES256"')
    expect(buildWWWAuthenticate()).toBe('DPoP')
  })

  it('escapes quoted-strings and drops control characters', () => {
    const header = buildWWWAuthenticate({ realm: 'a "b" \\c\r\nX-Injected: 1' })
    expect(header).toBe('DPoP realm="a \\"b\\" \\\\cX-Injected: 1"')
    expect(parseWWWAuthenticate(header)[0]?.params.realm).toBe('a "b" \\cX-Injected: 1')
  })

  it('parses several challenges in one header, case-insensitively', () => {
    const parsed = parseWWWAuthenticate(
      'Bearer realm="api", error="invalid_token", dpop ERROR="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof", Basic realm="x"',
    )
    expect(parsed).toEqual([
      { scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token' } },
      {
        scheme: 'dpop',
        params: {
          error: 'use_dpop_nonce',
          error_description: 'Resource server requires nonce in DPoP proof',
        },
      },
      { scheme: 'Basic', params: { realm: 'x' } },
    ])
  })

  it('parses token68 challenges, bare schemes and token values', () => {
    expect(parseWWWAuthenticate('Negotiate abc==, DPoP algs=ES256, Bearer')).toEqual([
      { scheme: 'Negotiate', params: {}, token68: 'abc==' },
      { scheme: 'DPoP', params: { algs: 'ES256' } },
      { scheme: 'Bearer', params: {} },
    ])
    expect(parseWWWAuthenticate(['DPoP error="a"', 'Bearer'])).toHaveLength(2)
  })

  it('rejects malformed input', () => {
    expect(() => parseWWWAuthenticate('DPoP error="unterminated')).toThrow(/quoted-string/)
    expect(() => parseWWWAuthenticate('=')).toThrow()
  })

  it('refuses what RFC 9110 §11.2 and §11.6.1 do not allow', () => {
    for (const header of [
      'DPoP error="a", error="b"',
      'DPoP error="a" algs="ES256"',
      'DPoP algs=ES256 ES384',
      'DPoP error=, algs="ES256"',
      'DPoP error="a" Bearer',
    ]) {
      expect(() => parseWWWAuthenticate(header), header).toThrow(
        expect.objectContaining({ code: 'invalid_request' }),
      )
    }
    expect(() => parseWWWAuthenticate([42] as unknown as string[])).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    )
  })

  it('keeps a parameter named __proto__ as a parameter (RFC 9110 §11.2)', () => {
    const [challenge] = parseWWWAuthenticate('DPoP __proto__="x", error="invalid_token"')
    expect(Object.getPrototypeOf(challenge?.params)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(challenge?.params, '__proto__')?.value).toBe('x')
    expect(challenge?.params.error).toBe('invalid_token')
  })

  it('allows empty quoted-strings, commas inside them and quoted-pairs (RFC 9110 §5.6.4)', () => {
    expect(parseWWWAuthenticate('DPoP realm="", error_description="a, b \\"c\\"", algs="ES256"')).toEqual([
      { scheme: 'DPoP', params: { realm: '', error_description: 'a, b "c"', algs: 'ES256' } },
    ])
  })

  it('parses a long hostile header in linear time (RFC 9110 §11.6.1, no catastrophic backtracking)', () => {
    const header = `DPoP ${'a'.repeat(200_000)}${'='.repeat(200_000)} x`
    expect(() => parseWWWAuthenticate(header)).toThrow()
    expect(parseWWWAuthenticate(`${', '.repeat(100_000)}DPoP`)).toHaveLength(1)
  })
})
