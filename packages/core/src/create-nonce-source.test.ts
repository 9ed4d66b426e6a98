import { describe, expect, it } from 'vitest'
import { createNonceSource } from './create-nonce-source.js'

const secret = 'n'.repeat(32)
const at = (ms: number) => () => ms

describe('RFC 9449 §8 and §9 server nonces', () => {
  it('verifies what it issued, within the window', async () => {
    const source = createNonceSource({ secrets: [{ id: 'a', secret }], step: 60, window: 5, now: at(0) })
    const nonce = await source.issue()
    expect(nonce).toMatch(/^[\x21\x23-\x5b\x5d-\x7e]+$/) // RFC 9449 §8.1 NQCHAR
    expect(await source.verify(nonce)).toEqual({ status: 'valid', expiresSoon: false })
  })

  it('ages: valid, about to expire, then stale', async () => {
    const issued = await createNonceSource({ secrets: [{ id: 'a', secret }], now: at(0) }).issue()
    const later = (ms: number) => createNonceSource({ secrets: [{ id: 'a', secret }], now: at(ms) })
    expect(await later(3 * 60_000).verify(issued)).toEqual({ status: 'valid', expiresSoon: false })
    expect(await later(4 * 60_000).verify(issued)).toEqual({ status: 'valid', expiresSoon: true })
    expect(await later(5 * 60_000).verify(issued)).toEqual({ status: 'stale' })
  })

  it('two instances with the same secrets agree without shared state', async () => {
    const one = createNonceSource({ secrets: [{ id: 'a', secret }] })
    const two = createNonceSource({ secrets: [{ id: 'a', secret }] })
    expect(await two.verify(await one.issue())).toMatchObject({ status: 'valid' })
    expect(await one.verify(await two.issue())).toMatchObject({ status: 'valid' })
  })

  it('rotates: a new first secret issues, the old one still verifies', async () => {
    const old = createNonceSource({ secrets: [{ id: 'a', secret }] })
    const rotated = createNonceSource({
      secrets: [
        { id: 'b', secret: 'm'.repeat(32) },
        { id: 'a', secret },
      ],
    })
    expect(await rotated.verify(await old.issue())).toMatchObject({ status: 'valid' })
    expect((await rotated.issue()).startsWith('b.')).toBe(true)
    expect(await old.verify(await rotated.issue())).toEqual({ status: 'invalid' })
  })

  it('binds a nonce to the server it was issued for, even with one source or one secret', async () => {
    const source = createNonceSource({ secrets: [{ id: 'a', secret }] })
    const sameSecret = createNonceSource({ secrets: [{ id: 'a', secret }] })
    const as = 'authorization-server https://as.example'
    const api = 'resource https://api.example'
    const nonce = await source.issue(as)
    expect(await source.verify(nonce, as)).toMatchObject({ status: 'valid' })
    expect(await sameSecret.verify(nonce, as)).toMatchObject({ status: 'valid' })
    for (const other of [api, 'resource https://as.example', `${as}/`, undefined]) {
      expect(await source.verify(nonce, other)).toEqual({ status: 'invalid' })
      expect(await sameSecret.verify(nonce, other)).toEqual({ status: 'invalid' })
    }
    expect(await source.verify(await source.issue(), as)).toEqual({ status: 'invalid' })
  })

  it('rotates with a server identity: old nonces of that server still verify for it alone', async () => {
    const server = 'resource https://api.example'
    const old = createNonceSource({ secrets: [{ id: 'a', secret }] })
    const rotated = createNonceSource({
      secrets: [
        { id: 'b', secret: 'm'.repeat(32) },
        { id: 'a', secret },
      ],
    })
    const issued = await old.issue(server)
    expect(await rotated.verify(issued, server)).toMatchObject({ status: 'valid' })
    expect(await rotated.verify(issued, 'resource https://other.example')).toEqual({ status: 'invalid' })
    expect(await rotated.verify(await rotated.issue(server), server)).toMatchObject({ status: 'valid' })
  })

  it('rejects forged, foreign and malformed nonces', async () => {
    const source = createNonceSource({ secrets: [{ id: 'a', secret }] })
    const other = createNonceSource({ secrets: [{ id: 'a', secret: 'x'.repeat(32) }] })
    const nonce = await source.issue()
    const [id, step, mac] = nonce.split('.') as [string, string, string]
    expect(await source.verify(await other.issue())).toEqual({ status: 'invalid' })
    expect(await source.verify(`${id}.${(Number.parseInt(step, 36) + 100).toString(36)}.${mac}`)).toEqual({
      status: 'invalid',
    })
    for (const bad of ['', 'abc', 'a.b.c', `${nonce}x`, 42, undefined, `zz.${step}.${mac}`]) {
      expect(await source.verify(bad)).toEqual({ status: 'invalid' })
    }
  })

  it('does not call a forged nonce stale', async () => {
    const old = await createNonceSource({
      secrets: [{ id: 'a', secret: 'x'.repeat(32) }],
      now: at(0),
    }).issue()
    const source = createNonceSource({ secrets: [{ id: 'a', secret }], now: at(3_600_000) })
    expect(await source.verify(old)).toEqual({ status: 'invalid' })
  })

  it('rejects bad configuration', () => {
    expect(() => createNonceSource({ secrets: [] })).toThrow(TypeError)
    expect(() => createNonceSource({ secrets: [{ id: 'a', secret: 'short' }] })).toThrow(/32 bytes/)
    expect(() => createNonceSource({ secrets: [{ id: 'a.b', secret }] })).toThrow(TypeError)
    expect(() =>
      createNonceSource({
        secrets: [
          { id: 'a', secret },
          { id: 'a', secret },
        ],
      }),
    ).toThrow(/unique/)
    expect(() => createNonceSource({ secrets: [{ id: 'a', secret }], window: 0 })).toThrow(TypeError)
  })
})
