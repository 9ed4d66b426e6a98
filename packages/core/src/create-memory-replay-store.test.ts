import { describe, expect, it } from 'vitest'
import { createMemoryReplayStore } from './create-memory-replay-store.js'
import { isDPoPError } from './dpop-error.js'

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
})
