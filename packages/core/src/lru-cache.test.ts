import { describe, expect, it } from 'vitest'
import { LruCache } from './lru-cache.js'

describe('LruCache', () => {
  it('never holds more than maxEntries, for any maxEntries', () => {
    for (const maxEntries of [1, 2, 3, 10, 11]) {
      const cache = new LruCache<number, number>(maxEntries)
      for (let i = 0; i < 100; i++) {
        cache.set(i, i)
        expect(cache.size).toBeLessThanOrEqual(maxEntries)
        expect(cache.get(i)).toBe(i)
      }
    }
  })

  it('keeps an entry that is used while newer ones arrive, and drops the unused ones first', () => {
    const cache = new LruCache<string, number>(10)
    cache.set('hot', 1)
    for (let i = 0; i < 1000; i++) {
      cache.set(`cold${i}`, i)
      expect(cache.get('hot')).toBe(1)
    }
    expect(cache.get('cold0')).toBeUndefined()
    expect(cache.get('cold999')).toBe(999)
  })

  it('set replaces a value in either generation without duplicating it; delete and clear remove', () => {
    const cache = new LruCache<string, number>(4)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('c', 3) // 'a' and 'b' are now the old generation
    cache.set('a', 10)
    expect(cache.get('a')).toBe(10)
    expect(cache.size).toBe(3)
    cache.delete('a')
    expect(cache.get('a')).toBeUndefined()
    cache.clear()
    expect(cache.size).toBe(0)
    expect(cache.get('b')).toBeUndefined()
  })

  it('rejects a maxEntries that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new LruCache(bad)).toThrow(TypeError)
  })
})
