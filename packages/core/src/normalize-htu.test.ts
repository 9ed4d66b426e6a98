import { describe, expect, it } from 'vitest'
import { htuMatches, normalizeHtu } from './normalize-htu.js'

describe('RFC 3986 §6.2.2 and §6.2.3 normalization of htu (RFC 9449 §4.3 step 9)', () => {
  it.each([
    ['HTTPS://Server.Example.COM/token', 'https://server.example.com/token'],
    ['https://server.example.com:443/token', 'https://server.example.com/token'],
    ['http://server.example.com:80/token', 'http://server.example.com/token'],
    ['https://server.example.com:8443/token', 'https://server.example.com:8443/token'],
    ['https://server.example.com', 'https://server.example.com/'],
    ['https://server.example.com/a/%7euser', 'https://server.example.com/a/~user'],
    ['https://server.example.com/a%2fb', 'https://server.example.com/a%2Fb'],
    ['https://server.example.com/%41%42c', 'https://server.example.com/ABc'],
    ['https://server.example.com/a/./b/../c', 'https://server.example.com/a/c'],
    ['https://server.example.com/token?x=1', 'https://server.example.com/token'],
    ['https://server.example.com/token#frag', 'https://server.example.com/token'],
    ['https://server.example.com/token?x#y', 'https://server.example.com/token'],
    ['https://[2001:DB8::1]:443/p', 'https://[2001:db8::1]/p'],
    ['http://[::1]:8080/p', 'http://[::1]:8080/p'],
    ['http://127.0.0.1:4000/token', 'http://127.0.0.1:4000/token'],
    ['https://h.example/p?q=a|b {c}^`"<>', 'https://h.example/p'],
    ['https://h.example/p#frag ment|x', 'https://h.example/p'],
    ['https://h.example/a|b', 'https://h.example/a%7Cb'],
    ['https://h.example/to ken', 'https://h.example/to%20ken'],
    ['https://h.example/\ttab', 'https://h.example/%09tab'],
    ['https://h.example/caf\u00e9', 'https://h.example/caf%C3%A9'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeHtu(input)).toBe(expected)
  })

  it.each([
    ['a relative reference', '/token'],
    ['a non-http scheme', 'ftp://server.example.com/token'],
    ['javascript:', 'javascript:alert(1)'],
    ['credentials', 'https://user:pass@server.example.com/token'],
    ['a space in the host', 'https://server example.com/token'],
    ['a tab in the host', 'https://server.example.com\t/token'],
    ['a backslash', 'https://server.example.com\\token'],
    ['an empty string', ''],
  ])('rejects %s', (_, input) => {
    expect(() => normalizeHtu(input)).toThrow(TypeError)
  })

  it.each([
    ['https://server.example.com/token', 'https://SERVER.example.com:443/token?a=b', true],
    ['https://server.example.com/token', 'https://server.example.com/token/', false],
    ['https://server.example.com/token', 'https://server.example.com/Token', false],
    ['https://server.example.com/token', 'http://server.example.com/token', false],
    ['https://server.example.com/token', 'https://server.example.com:444/token', false],
    ['https://server.example.com/token', 'https://server.example.org/token', false],
    ['https://server.example.com/a/%7Eb', 'https://server.example.com/a/~b', true],
    ['not a url', 'https://server.example.com/token', false],
    ['https://h.example/a%7Cb', 'https://h.example/a|b?x={y}', true],
    ['https://h.example/a/b', 'https://h.example/a\\b', false],
    ['https://h.example/a%20b', 'https://h.example/a b', true],
  ])('htuMatches(%s, %s) is %s', (claim, url, expected) => {
    expect(htuMatches(claim, url)).toBe(expected)
  })

  describe('RFC 3986 §3.2 and §6.2.3: no WHATWG leniency that turns one URL into another', () => {
    it.each([
      ['no authority (https:host)', 'https:server.example.com/token'],
      ['a single slash', 'https:/server.example.com/token'],
      ['an empty authority (three slashes)', 'https:///server.example.com/token'],
      ['an empty userinfo', 'https://@server.example.com/token'],
      ['an empty user and password', 'https://:@server.example.com/token'],
      ['IPv4 in hexadecimal', 'http://0x7f.1/token'],
      ['IPv4 shorthand', 'http://127.1/token'],
      ['IPv4 with a trailing dot', 'http://127.0.0.1./token'],
      ['a percent-encoded host', 'https://%73erver.example.com/token'],
      ['a percent-encoded IDN host', 'https://b%C3%BCcher.example/token'],
      ['a lone percent sign', 'https://server.example.com/a%'],
      ['a percent sign without two hex digits', 'https://server.example.com/a%zz'],
      ['a port that is not a number', 'https://server.example.com:44x/token'],
      ['a port out of range', 'https://server.example.com:65536/token'],
      ['text after an IP literal', 'https://[::1]x/token'],
    ])('rejects %s', (_, input) => {
      expect(() => normalizeHtu(input)).toThrow(TypeError)
    })

    it.each([
      ['https://server.example.com:/token', 'https://server.example.com/token'],
      ['https://server.example.com/a/%2e%2E/token', 'https://server.example.com/token'],
      ['https://server.example.com/a/.', 'https://server.example.com/a/'],
      ['https://server.example.com/a//../b', 'https://server.example.com/a/b'],
      ['https://server.example.com/a%2fb', 'https://server.example.com/a%2Fb'],
      ['https://XN--BCHER-KVA.example/', 'https://xn--bcher-kva.example/'],
      ['https://example.com./p', 'https://example.com./p'],
    ])('%s → %s', (input, expected) => {
      expect(normalizeHtu(input)).toBe(expected)
    })

    it.each([
      ['http://127.0.0.1/token', 'http://127.1/token'],
      ['http://127.0.0.1/token', 'http://0x7f.1/token'],
      ['https://server.example.com/token', 'https:server.example.com/token'],
      ['https://server.example.com/token', 'https://%73erver.example.com/token'],
      ['https://server.example.com/token', 'https://example.com./token'],
      ['https://server.example.com/a/b', 'https://server.example.com/a%2Fb'],
    ])('a proof for %s does not match %s', (claim, url) => {
      expect(htuMatches(claim, url)).toBe(false)
      expect(htuMatches(url, claim)).toBe(false)
    })
  })
})
