import { describe, expect, it } from 'vitest'
import { ReplayKeyTable } from './replay-key-table.js'

const SEED = 0x9e3779b9

// A deterministic stream of keys (xorshift32), so a failure can be replayed.
function keys(seed = 1): () => Uint32Array {
  let state = seed
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return state >>> 0
  }
  return () => Uint32Array.of(next(), next(), next(), next())
}

/** Keys whose probe run starts at `slot`, found by trying keys in turn. */
function keysAtHome(table: ReplayKeyTable, slot: number, count: number): Uint32Array[] {
  const next = keys(7)
  const found: Uint32Array[] = []
  while (found.length < count) {
    const key = next()
    if (table.homeSlot(key, 0) === slot) found.push(key)
  }
  return found
}

const find = (table: ReplayKeyTable, key: Uint32Array, kind = 1) => table.find(key, 0, kind)

describe('ReplayKeyTable', () => {
  it('finds the keys it holds with their expiry, and no other', () => {
    const table = new ReplayKeyTable(100, 4, SEED)
    const next = keys()
    const held = Array.from({ length: 50 }, next)
    for (const [i, key] of held.entries()) table.add(key, 0, 1, 1000 + i)
    for (const [i, key] of held.entries()) expect(table.expiry(find(table, key))).toBe(1000 + i)
    for (let i = 0; i < 50; i++) expect(find(table, next())).toBe(-1)
    expect(table.size).toBe(50)
    expect(table.count).toBe(50)
  })

  it('reads a key at an offset of its source', () => {
    const table = new ReplayKeyTable(10, 4, SEED)
    const source = Uint32Array.of(9, 9, 1, 2, 3, 4)
    table.add(source, 2, 1, 5)
    expect(find(table, Uint32Array.of(1, 2, 3, 4))).toBeGreaterThanOrEqual(0)
    expect(table.find(source, 1, 1)).toBe(-1)
  })

  it('keeps keys of different kinds apart', () => {
    const table = new ReplayKeyTable(10, 4, SEED)
    const key = Uint32Array.of(1, 2, 3, 4)
    table.add(key, 0, 1, 10)
    expect(find(table, key, 2)).toBe(-1)
    table.add(key, 0, 2, 20)
    expect(table.expiry(find(table, key, 1))).toBe(10)
    expect(table.expiry(find(table, key, 2))).toBe(20)
  })

  it('tells apart keys that share a home slot, wrapping around the end of the index', () => {
    const table = new ReplayKeyTable(100, 4, SEED)
    const last = table.indexCapacity - 1
    const [a, b, c] = keysAtHome(table, last, 3) as [Uint32Array, Uint32Array, Uint32Array]
    table.add(a, 0, 1, 1)
    table.add(b, 0, 1, 2)
    table.add(c, 0, 1, 3)
    expect([find(table, a), find(table, b), find(table, c)]).toEqual([last, 0, 1])
    expect([a, b, c].map((key) => table.expiry(find(table, key)))).toEqual([1, 2, 3])
  })

  it('moves later entries of a probe run back on removal, across the wrap, so they stay findable', () => {
    const table = new ReplayKeyTable(100, 4, SEED)
    const last = table.indexCapacity - 1
    const [a, b, c] = keysAtHome(table, last, 3) as [Uint32Array, Uint32Array, Uint32Array]
    // A key at home in slot 0 sits behind the wrapped ones and must not move before its home.
    const [d] = keysAtHome(table, 0, 1) as [Uint32Array]
    for (const key of [a, b, c, d]) table.add(key, 0, 1, 1)
    expect(find(table, d)).toBe(2)
    table.remove(find(table, a))
    expect([find(table, a), find(table, b), find(table, c), find(table, d)]).toEqual([-1, last, 0, 1])
    table.remove(find(table, c))
    expect([find(table, b), find(table, d)]).toEqual([last, 0])
    expect(table.size).toBe(2)
  })

  it('agrees with a model through random adds and removals at up to 0.73 load', () => {
    // 3072 entries need 4096 slots: the index fills to 3000 / 4096, where probe runs are long.
    const table = new ReplayKeyTable(3072, 4, SEED)
    const next = keys(3)
    const held: { key: Uint32Array; expiry: number }[] = []
    let random = 12345
    for (let step = 0; step < 20_000; step++) {
      random = (Math.imul(random, 1103515245) + 12345) >>> 0
      // Removed keys leave stale entries in the ring: compact them away (every expiry is >= 0).
      if (table.count === 3072) table.compact(-1)
      if (held.length < 3000 && (random & 3) !== 0) {
        const key = next()
        table.add(key, 0, 1, step)
        held.push({ key, expiry: step })
      } else if (held.length > 0) {
        const at = (random >>> 8) % held.length
        const { key } = held[at] as { key: Uint32Array }
        table.remove(find(table, key))
        held[at] = held[held.length - 1] as { key: Uint32Array; expiry: number }
        held.pop()
        expect(find(table, key)).toBe(-1)
      }
    }
    expect(table.size).toBe(held.length)
    expect(table.indexCapacity).toBe(4096)
    for (const { key, expiry } of held) expect(table.expiry(find(table, key))).toBe(expiry)
  })

  it('grows by doubling up to what maxEntries needs, then keeps its arrays as entries come and go', () => {
    const maxEntries = 5000
    const table = new ReplayKeyTable(maxEntries, 4, SEED)
    expect(table.indexCapacity).toBe(1024)
    expect(table.entryCapacity).toBe(1024)
    const next = keys()
    const held: Uint32Array[] = []
    for (let i = 0; i < maxEntries; i++) {
      const key = next()
      held.push(key)
      table.add(key, 0, 1, i)
    }
    // 5000 / 0.75 needs 8192 slots.
    expect(table.indexCapacity).toBe(8192)
    expect(table.entryCapacity).toBe(maxEntries)
    for (const [i, key] of held.entries()) expect(table.expiry(find(table, key))).toBe(i)
    for (let i = 0; i < 3 * maxEntries; i++) {
      table.dropHead()
      table.add(next(), 0, 1, maxEntries + i)
    }
    expect(table.indexCapacity).toBe(8192)
    expect(table.entryCapacity).toBe(maxEntries)
    expect(table.size).toBe(maxEntries)
  })

  it('keeps every key findable when the ring grows with its head past the start', () => {
    const table = new ReplayKeyTable(10_000, 4, SEED)
    const next = keys()
    const held: Uint32Array[] = []
    const add = (expiry: number) => {
      const key = next()
      held.push(key)
      table.add(key, 0, 1, expiry)
    }
    for (let i = 0; i < 1024; i++) add(i)
    for (let i = 0; i < 300; i++) table.dropHead()
    // The ring wraps (head at 300), then fills and doubles.
    for (let i = 1024; i < 3000; i++) add(i)
    expect(table.entryCapacity).toBe(4096)
    for (const [i, key] of held.entries()) {
      const slot = find(table, key)
      expect(slot >= 0 ? table.expiry(slot) : -1).toBe(i < 300 ? -1 : i)
    }
    expect(table.headExpiry).toBe(300)
  })

  it('fails rather than hold more than maxEntries entries', () => {
    const table = new ReplayKeyTable(3, 4, SEED)
    const next = keys()
    for (let i = 0; i < 3; i++) table.add(next(), 0, 1, i)
    expect(() => table.add(next(), 0, 1, 3)).toThrow(RangeError)
  })

  it('drops a stale head entry without touching the live entry of the same key', () => {
    const table = new ReplayKeyTable(10, 4, SEED)
    const key = Uint32Array.of(1, 2, 3, 4)
    table.add(key, 0, 1, 10)
    table.remove(find(table, key)) // reserved again after expiring: the first entry is stale
    table.add(key, 0, 1, 30)
    expect(table.count).toBe(2)
    expect(table.stale).toBe(1)
    table.dropHead()
    expect(table.stale).toBe(0)
    expect(table.expiry(find(table, key))).toBe(30)
    expect(table.size).toBe(1)
    table.dropHead()
    expect(find(table, key)).toBe(-1)
    expect(table.size).toBe(0)
    expect(table.count).toBe(0)
  })

  it('compacts away stale and expired entries, keeping live ones in order', () => {
    const table = new ReplayKeyTable(10, 4, SEED)
    const next = keys()
    const [long, short, stale, later] = [next(), next(), next(), next()]
    table.add(long, 0, 1, 1000)
    table.add(short, 0, 1, 100)
    table.add(stale, 0, 1, 100)
    table.remove(find(table, stale))
    table.add(later, 0, 2, 2000)
    expect(table.stale).toBe(1)
    table.compact(500)
    expect(table.stale).toBe(0)
    expect(table.count).toBe(2)
    expect(table.size).toBe(2)
    expect(find(table, short)).toBe(-1)
    expect(find(table, stale)).toBe(-1)
    expect(table.expiry(find(table, later, 2))).toBe(2000)
    expect(table.headExpiry).toBe(1000)
    table.dropHead()
    expect(find(table, long)).toBe(-1)
    expect(table.headExpiry).toBe(2000)
  })
})
