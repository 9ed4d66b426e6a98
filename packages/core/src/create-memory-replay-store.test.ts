import { base64url } from 'jose'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createMemoryReplayStore } from './create-memory-replay-store.js'
import { isDPoPError } from './dpop-error.js'

const random = (bytes: number) => base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)))
/** A key as verifyProof makes it: a thumbprint (32 bytes) and a 128-bit jti, base64url, joined by a dot. */
const replayKey = () => `${random(32)}.${random(16)}`
// A pair key of bytes 0x00…0x1f (thumbprint) and 0x00…0x0f (jti).
const PAIR = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.AAECAwQFBgcICQoLDA0ODw'

const isFull = (error: unknown) =>
  isDPoPError(error) &&
  error.code === 'temporarily_unavailable' &&
  error.reason === 'replay_store_full' &&
  error.status === 503

describe('RFC 9449 §11.1 in-memory replay store', () => {
  it('answers true once, then false until expiry', async () => {
    let now = 1000
    const store = createMemoryReplayStore({ now: () => now })
    expect(await store.reserve('k', 2000)).toBe(true)
    expect(await store.reserve('k', 2000)).toBe(false)
    now = 1999
    expect(await store.reserve('k', 5000)).toBe(false)
    now = 2000
    expect(await store.reserve('k', 5000)).toBe(true)
  })

  it('keeps a key reserved again after it expired, whatever its old slot says', async () => {
    let now = 0
    const store = createMemoryReplayStore({ now: () => now })
    expect(await store.reserve('k', 100)).toBe(true)
    now = 100
    expect(await store.reserve('k', 300)).toBe(true)
    now = 150
    expect(await store.reserve('other', 400)).toBe(true) // sweeps the stale slot of 'k' at the head
    expect(await store.reserve('k', 300)).toBe(false)
    expect(store.size).toBe(2)
  })

  it('is atomic under concurrent reservations of one key', async () => {
    const store = createMemoryReplayStore()
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => store.reserve('same', Date.now() + 60_000)),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('stays within maxEntries by dropping expired entries', async () => {
    let now = 0
    const store = createMemoryReplayStore({ maxEntries: 100, now: () => now })
    for (let i = 0; i < 10_000; i++) {
      now = i
      expect(await store.reserve(`k${i}`, i + 50)).toBe(true)
      expect(store.size).toBeLessThanOrEqual(100)
    }
  })

  it('fails closed rather than forget a live entry when full', async () => {
    const store = createMemoryReplayStore({ maxEntries: 3, now: () => 0 })
    for (const key of ['a', 'b', 'c']) expect(await store.reserve(key, 1000)).toBe(true)
    const error = await store.reserve('d', 1000).catch((e: unknown) => e)
    expect(isDPoPError(error) && error.code === 'temporarily_unavailable' && error.status === 503).toBe(true)
    // the live entries are still remembered
    for (const key of ['a', 'b', 'c']) expect(await store.reserve(key, 1000)).toBe(false)
  })

  it('frees expired entries behind a longer-lived one when full', async () => {
    let now = 0
    const store = createMemoryReplayStore({ maxEntries: 3, now: () => now })
    expect(await store.reserve('long', 1_000_000)).toBe(true)
    expect(await store.reserve('short1', 100)).toBe(true)
    expect(await store.reserve('short2', 100)).toBe(true)
    now = 200
    expect(await store.reserve('next', 5000)).toBe(true)
    expect(await store.reserve('long', 1_000_000)).toBe(false)
    expect(await store.reserve('next', 5000)).toBe(false)
  })

  it('refuses an expiry that is not a number rather than store an entry that never holds', async () => {
    const store = createMemoryReplayStore({ now: () => 0 })
    await expect(store.reserve('k', Number.NaN)).rejects.toThrow(TypeError)
    await expect(store.reserve('k', '5000' as unknown as number)).rejects.toThrow(TypeError)
  })

  it('rejects a bad maxEntries', () => {
    expect(() => createMemoryReplayStore({ maxEntries: 0 })).toThrow(TypeError)
  })

  it('refuses a key that is not a string', async () => {
    const store = createMemoryReplayStore({ now: () => 0 })
    await expect(store.reserve(42 as unknown as string, 1000)).rejects.toThrow(TypeError)
    expect(store.size).toBe(0)
  })

  it('answers true once for keys as verifyProof makes them, among many', async () => {
    let now = 0
    const store = createMemoryReplayStore({ maxEntries: 20_000, now: () => now })
    const keys = Array.from({ length: 10_000 }, replayKey)
    for (const key of keys) expect(await store.reserve(key, 1000)).toBe(true)
    for (const key of keys) expect(await store.reserve(key, 1000)).toBe(false)
    expect(store.size).toBe(10_000)
    now = 1000
    for (const key of keys.slice(0, 100)) expect(await store.reserve(key, 2000)).toBe(true)
  })

  it('keeps two keys apart exactly when their thumbprint or jti differs in one bit', async () => {
    const store = createMemoryReplayStore({ now: () => 0 })
    const thumbprint = random(32)
    const jti = random(16)
    const flipped = (text: string) => {
      const bytes = base64url.decode(text)
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1
      return base64url.encode(bytes)
    }
    const keys = [`${thumbprint}.${jti}`, `${flipped(thumbprint)}.${jti}`, `${thumbprint}.${flipped(jti)}`]
    for (const key of keys) expect(await store.reserve(key, 1000)).toBe(true)
    for (const key of keys) expect(await store.reserve(key, 1000)).toBe(false)
  })

  it('tells apart keys that are not canonical base64url, lone surrogates and near misses included', async () => {
    const store = createMemoryReplayStore({ now: () => 0 })
    const keys = [
      '',
      'k',
      '\uD800',
      '\uFFFD',
      '"\\ud800"',
      `${PAIR.slice(0, -1)}x`, // the same bytes as PAIR, the jti spelled with unused bits set
      `${PAIR.slice(0, 42)}9${PAIR.slice(43)}`, // the same bytes, the thumbprint spelled with unused bits set
      `${PAIR}=`,
      `${PAIR.slice(0, -1)}\u0177`, // low 7 bits of 'w'
      `${PAIR.slice(0, 43)}_${PAIR.slice(44)}`, // no dot
      'AAECAwQFBgcICQoLDA0ODw', // the jti alone
      PAIR,
    ]
    for (const key of keys) expect(await store.reserve(key, 1000), JSON.stringify(key)).toBe(true)
    for (const key of keys) expect(await store.reserve(key, 1000), JSON.stringify(key)).toBe(false)
    expect(store.size).toBe(keys.length)
  })

  it('changes nothing when it refuses a reservation for being full', async () => {
    let now = 0
    const store = createMemoryReplayStore({ maxEntries: 4, now: () => now })
    const live = [replayKey(), replayKey(), 'a', 'b']
    for (const key of live) expect(await store.reserve(key, 1000)).toBe(true)
    const refused = replayKey()
    for (const key of [refused, 'c'])
      expect(isFull(await store.reserve(key, 1000).catch((e: unknown) => e))).toBe(true)
    expect(store.size).toBe(4)
    for (const key of live) expect(await store.reserve(key, 1000)).toBe(false)
    // once the entries expire, the refused key was never held
    now = 1000
    expect(await store.reserve(refused, 2000)).toBe(true)
  })

  it('never fills up with the stale entries of a key reserved again and again', async () => {
    let now = 0
    const store = createMemoryReplayStore({ maxEntries: 3, now: () => now })
    expect(await store.reserve('long', 1_000_000)).toBe(true)
    for (now = 1; now < 200; now++) {
      expect(await store.reserve('k', now + 1)).toBe(true)
      expect(await store.reserve('k', now + 1)).toBe(false)
    }
    expect(await store.reserve('long', 1_000_000)).toBe(false)
    expect(store.size).toBeLessThanOrEqual(3)
  })

  it('frees expired entries behind a long-lived head at most once a second, then fails closed', async () => {
    let now = 0
    const store = createMemoryReplayStore({ maxEntries: 2, now: () => now })
    expect(await store.reserve('long', 1_000_000)).toBe(true)
    expect(await store.reserve('short', 10)).toBe(true)
    now = 10
    expect(await store.reserve('a', 100)).toBe(true) // a full scan frees 'short'
    now = 100
    // 'a' expired, but the last scan was less than a second ago
    expect(isFull(await store.reserve('b', 5000).catch((e: unknown) => e))).toBe(true)
    now = 1010
    expect(await store.reserve('b', 5000)).toBe(true)
    expect(await store.reserve('long', 1_000_000)).toBe(false)
  })

  it('reserveProofSync(thumbprint, jti) is reserveSync of `<thumbprint>.<jti>`, sharing its entries', async () => {
    let now = 0
    const store = createMemoryReplayStore({ now: () => now })
    const pairs: [string, string][] = [
      [random(32), random(16)],
      [random(32), random(16)],
      ['AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', `${random(16).slice(0, -1)}x`], // jti bits unused: not 128-bit
      ['thumb.print', random(16)], // a dot in the thumbprint: the key splits at it
      ['thumb', 'print.AAECAwQFBgcICQoLDA0ODw'],
      ['', random(16)],
      [random(32), 'short'],
    ]
    for (const [thumbprint, jti] of pairs) {
      expect(store.reserveProofSync(thumbprint, jti, 100)).toBe(true)
      expect(store.reserveSync(`${thumbprint}.${jti}`, 100)).toBe(false)
      expect(await store.reserve(`${thumbprint}.${jti}`, 100)).toBe(false)
      expect(store.reserveProofSync(thumbprint, jti, 100)).toBe(false)
    }
    // 'thumb.print' + '.' + jti and 'thumb' + '.' + 'print.' + jti spell different keys: both were fresh.
    expect(store.size).toBe(pairs.length)
    for (const [thumbprint, jti] of [
      [random(32), random(16)],
      ['thumb', random(16)],
    ] as const) {
      expect(await store.reserve(`${thumbprint}.${jti}`, 100)).toBe(true)
      expect(store.reserveProofSync(thumbprint, jti, 100)).toBe(false)
    }
    now = 100
    const [thumbprint, jti] = pairs[0] as [string, string]
    expect(store.reserveProofSync(thumbprint, jti, 200)).toBe(true)
    expect(() => store.reserveProofSync(thumbprint, jti, Number.NaN)).toThrow(TypeError)
    expect(() => store.reserveProofSync(42 as unknown as string, jti, 1)).toThrow(TypeError)
    expect(() => store.reserveProofSync(thumbprint, 42 as unknown as string, 1)).toThrow(TypeError)
  })

  it('keeps the jtis of two keys apart whatever jti one of them chooses (RFC 9449 §11.1)', async () => {
    const store = createMemoryReplayStore({ now: () => 0 })
    const victim = random(32)
    const attacker = random(32)
    const victimJti = random(16)
    // Every jti one bit away from the victim's, and the victim's own, reserved for the attacker's key.
    const bytes = base64url.decode(victimJti)
    const chosen = [victimJti]
    for (let bit = 0; bit < 128; bit++) {
      const flipped = bytes.slice()
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7))
      chosen.push(base64url.encode(flipped))
    }
    for (const jti of chosen) expect(store.reserveProofSync(attacker, jti, 1000)).toBe(true)
    expect(store.reserveProofSync(victim, victimJti, 1000)).toBe(true)
  })

  it('agrees with a model of its contract through random reservations', async () => {
    let now = 0
    const store = createMemoryReplayStore({ maxEntries: 500, now: () => now })
    const model = new Map<string, number>()
    const names = [
      ...Array.from({ length: 100 }, replayKey),
      ...Array.from({ length: 100 }, (_, i) => `key-${i}`),
    ]
    let random = 99
    for (let step = 0; step < 20_000; step++) {
      random = (Math.imul(random, 1103515245) + 12345) >>> 0
      now += random & 1
      const key = names[(random >>> 8) % names.length] as string
      const expiresAt = now + ((random >>> 20) % 50)
      const held = model.get(key)
      const expected = held === undefined || held <= now
      if (expected) model.set(key, expiresAt)
      expect(await store.reserve(key, expiresAt)).toBe(expected)
    }
  })
})

// Browsers, Deno and workers have no node:crypto: keys other than verifyProof's are MACed asynchronously.
describe('in-memory replay store on the Web Crypto path (no node:crypto)', async () => {
  vi.stubGlobal('process', { ...process, getBuiltinModule: () => undefined })
  vi.resetModules()
  const { createMemoryReplayStore: createStore } = await import('./create-memory-replay-store.js')
  afterAll(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  it('is atomic under concurrent reservations of one key while MACing it', async () => {
    const store = createStore()
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.reserve(i % 2 === 0 ? 'same' : PAIR, Date.now() + 60_000)),
    )
    expect(results.filter(Boolean)).toHaveLength(2)
    expect(store.size).toBe(2)
  })

  it('answers as on Node for keys of every spelling', async () => {
    let now = 0
    const store = createStore({ maxEntries: 2, now: () => now })
    expect(await store.reserve('k', 100)).toBe(true)
    expect(await store.reserve('k', 100)).toBe(false)
    expect(await store.reserve(PAIR, 100)).toBe(true)
    expect(isFull(await store.reserve('other', 100).catch((e: unknown) => e))).toBe(true)
    now = 100
    expect(await store.reserve('k', 200)).toBe(true)
  })

  it("answers reserveProofSync once the key's slot is derived, which Web Crypto does asynchronously", async () => {
    let now = 0
    const store = createStore({ now: () => now })
    // The first time a key's slot is derived, Web Crypto answers only asynchronously: sync says "ask reserve".
    const [thumbprint, jti] = [random(32), random(16)]
    expect(store.reserveProofSync(thumbprint, jti, 100)).toBeUndefined()
    expect(store.reserveSync(`${thumbprint}.${jti}`, 100)).toBeUndefined()
    now = 100
    expect(await store.reserve(`${thumbprint}.${jti}`, 200)).toBe(true)
    expect(store.reserveProofSync(thumbprint, jti, 200)).toBe(false) // its mask is known now
    expect(store.reserveProofSync(thumbprint, random(16), 200)).toBe(true)
  })

  it('reserveSync answers like reserve, sharing its entries, for verifyProof keys and any other key', async () => {
    let now = 0
    const store = createMemoryReplayStore({ now: () => now })
    const key = PAIR
    expect(store.reserveSync(key, 100)).toBe(true)
    expect(await store.reserve(key, 100)).toBe(false)
    expect(store.reserveSync(key, 100)).toBe(false)
    expect(await store.reserve('any key', 100)).toBe(true)
    expect(store.reserveSync('any key', 100)).toBe(false) // MACed synchronously on Node
    now = 100
    expect(store.reserveSync(key, 200)).toBe(true)
    expect(() => store.reserveSync(key, Number.NaN)).toThrow(TypeError)
    expect(() => store.reserveSync(42 as unknown as string, 1)).toThrow(TypeError)
  })
})
