/**
 * A bounded cache that keeps recently used entries: two generations of at most `maxEntries / 2` each (the
 * scheme of quick-lru). A hit in the young generation is one `Map.get`, with no reordering, which is what
 * the per-request caches of verification need; a hit in the old one promotes the entry. When the young
 * generation fills, it becomes the old one and the old one is dropped, so the least recently used entries
 * go first and at most `maxEntries` are held.
 */
export class LruCache<K, V> {
  #young = new Map<K, V>()
  #old = new Map<K, V>()
  readonly #generationSize: number

  /** @param maxEntries - The most entries the cache holds, a positive integer. */
  constructor(
    /** The most entries the cache holds. */
    readonly maxEntries: number,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new TypeError('maxEntries must be a positive integer')
    this.#generationSize = Math.max(1, Math.floor(maxEntries / 2))
  }

  /** How many entries the cache holds now. */
  get size(): number {
    return this.#young.size + this.#old.size
  }

  /** The value of `key`, or `undefined`; a hit marks the entry as recently used. */
  get(key: K): V | undefined {
    const value = this.#young.get(key)
    if (value !== undefined) return value
    const old = this.#old.get(key)
    if (old !== undefined) {
      this.#old.delete(key)
      this.#add(key, old)
    }
    return old
  }

  /** Stores `value` under `key`, dropping the least recently used entries when the cache is full. */
  set(key: K, value: V): void {
    this.#old.delete(key)
    if (this.#young.has(key)) this.#young.set(key, value)
    else this.#add(key, value)
  }

  /** Removes `key`. */
  delete(key: K): void {
    this.#young.delete(key)
    this.#old.delete(key)
  }

  /** Removes every entry. */
  clear(): void {
    this.#young.clear()
    this.#old.clear()
  }

  #add(key: K, value: V): void {
    if (this.#young.size >= this.#generationSize) {
      this.#old = this.#young
      this.#young = new Map()
    }
    this.#young.set(key, value)
    // An odd maxEntries of 1: the single generation is the whole cache.
    if (this.maxEntries === 1) this.#old.clear()
  }
}
