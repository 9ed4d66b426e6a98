import { isDPoPError } from '@dpop/core'
import { describe, expect, it } from 'vitest'
import { assertPublicUrl } from './assert-public-url.js'
import { resolveRequestUrl } from './resolve-request-url.js'

function reasonOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    if (isDPoPError(error)) {
      expect(error.status).toBe(400)
      expect(error.code).toBe('invalid_request')
      return error.reason
    }
    throw error
  }
  return undefined
}

describe('resolveRequestUrl: the URL the client addressed (RFC 9449 §4.3 step 9)', () => {
  it.each([
    [{ protocol: 'https', host: 'api.example.com', path: '/items?x=1' }, 'https://api.example.com/items?x=1'],
    [{ protocol: 'http:', host: 'API.Example.com:8080', path: '/' }, 'http://api.example.com:8080/'],
    [{ protocol: 'HTTPS', host: 'localhost:3000', path: '/a' }, 'https://localhost:3000/a'],
    [{ protocol: 'http', host: '127.0.0.1:65535', path: '/a' }, 'http://127.0.0.1:65535/a'],
    [{ protocol: 'http', host: '[::1]:3000', path: '/a' }, 'http://[::1]:3000/a'],
    [{ protocol: 'https', host: '[2001:DB8::1]', path: '/a' }, 'https://[2001:db8::1]/a'],
    [
      { protocol: 'https', host: 'under_score.example', path: '//double' },
      'https://under_score.example//double',
    ],
    [
      { publicUrl: 'https://api.example.com', protocol: 'http', host: '10.0.0.5:8080', path: '/items' },
      'https://api.example.com/items',
    ],
    [
      { publicUrl: 'https://api.example.com/v1/', protocol: 'http', host: 'internal', path: '/items' },
      'https://api.example.com/v1/items',
    ],
    [
      { publicUrl: 'https://API.example.com:443/v1', protocol: 'http', host: undefined, path: '/' },
      'https://api.example.com/v1/',
    ],
  ])('%j → %s', (input, expected) => {
    expect(resolveRequestUrl(input)).toBe(expected)
  })

  it.each([
    ['a.example, b.example'],
    ['a.example,b.example'],
    ['user@api.example.com'],
    ['api.example.com/path'],
    ['api example.com'],
    ['api.example.com:0'],
    ['api.example.com:65536'],
    ['api.example.com:80a'],
    ['api.example.com:'],
    ['[::1'],
    ['[::1]x'],
    ['[not-ipv6]'],
    ['[::1%25eth0]'],
    ['999.1.1.1'],
    ['1.2.3'],
    ['0x7f.1'],
    ['example.123'],
    ['.example.com'],
    ['a..example'],
    ['exa%41mple.com'],
    ['a'.repeat(254)],
    ['api.example.com\r\nX: y'],
  ])('rejects host %j with host_malformed', (host) => {
    expect(reasonOf(() => resolveRequestUrl({ protocol: 'https', host, path: '/' }))).toBe('host_malformed')
  })

  it('rejects a missing host, a foreign protocol and a target that is not origin-form', () => {
    expect(reasonOf(() => resolveRequestUrl({ protocol: 'https', host: undefined, path: '/' }))).toBe(
      'host_missing',
    )
    expect(reasonOf(() => resolveRequestUrl({ protocol: 'ftp', host: 'a.example', path: '/' }))).toBe(
      'protocol_malformed',
    )
    expect(
      reasonOf(() => resolveRequestUrl({ protocol: 'https', host: 'a.example', path: 'http://evil/x' })),
    ).toBe('path_malformed')
    expect(reasonOf(() => resolveRequestUrl({ protocol: 'https', host: 'a.example', path: '' }))).toBe(
      'path_malformed',
    )
  })
  it('RFC 9112 §3.2: two Host lines are refused when the Host header names the URL', () => {
    const base = { protocol: 'http', host: 'a.example', path: '/r' }
    expect(
      reasonOf(() => resolveRequestUrl({ ...base, rawHeaders: ['Host', 'a.example', 'host', 'b.example'] })),
    ).toBe('host_multiple')
    expect(resolveRequestUrl({ ...base, rawHeaders: ['Host', 'a.example', 'Hostname', 'x'] })).toBe(
      'http://a.example/r',
    )
    expect(
      resolveRequestUrl({
        ...base,
        publicUrl: 'https://api.example.com',
        rawHeaders: ['Host', 'a.example', 'Host', 'b.example'],
      }),
    ).toBe('https://api.example.com/r')
  })
})

describe('assertPublicUrl', () => {
  it('normalizes origin and prefix', () => {
    expect(assertPublicUrl('https://API.example.com:443/v1/')).toBe('https://api.example.com/v1')
    expect(assertPublicUrl('http://localhost:3000')).toBe('http://localhost:3000')
  })

  it.each([
    'api.example.com',
    'ftp://api.example.com',
    'https://user:pw@api.example.com',
    'https://api.example.com/?x=1',
    'https://api.example.com/#top',
    'https://api.example.com?',
  ])('throws TypeError for %s', (value) => {
    expect(() => assertPublicUrl(value)).toThrow(TypeError)
  })
})
