import { describe, expect, it } from 'vitest'
import { isDPoPError } from './dpop-error.js'
import { parseAuthorization } from './parse-authorization.js'

describe('RFC 9449 §7.1 and RFC 9110 §11.6.2 Authorization header', () => {
  it('parses the DPoP and Bearer schemes case-insensitively', () => {
    expect(parseAuthorization('DPoP Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toEqual({
      scheme: 'dpop',
      token: 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU',
    })
    expect(parseAuthorization('dpop abc')).toEqual({ scheme: 'dpop', token: 'abc' })
    expect(parseAuthorization('BEARER abc==')).toEqual({ scheme: 'bearer', token: 'abc==' })
    expect(parseAuthorization('DPoP   abc')).toEqual({ scheme: 'dpop', token: 'abc' })
  })
  it('returns undefined without a header', () => {
    expect(parseAuthorization(undefined)).toBeUndefined()
    expect(parseAuthorization([])).toBeUndefined()
  })
  it.each([['DPoP'], ['DPoP '], ['DPoP a b'], ['DPoP a,b'], ['abc'], [''], ['DPoP a"b']])(
    'rejects %j',
    (value) => {
      const error = (() => {
        try {
          parseAuthorization(value)
        } catch (e) {
          return e
        }
      })()
      expect(isDPoPError(error) && error.code === 'invalid_request').toBe(true)
    },
  )
  it('rejects two Authorization headers', () => {
    expect(() => parseAuthorization(['DPoP a', 'DPoP b'])).toThrow(/more than one/)
  })

  it('rejects a header value that is not a string with invalid_request (RFC 9110 §11.6.2)', () => {
    for (const value of [[42], [{}]] as unknown as string[][]) {
      expect(() => parseAuthorization(value)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
    }
  })
})
