// Index slots used at most: probe runs stay short (about 8.5 slots to miss at 0.75, within one or two cache
// lines of 8-byte slots) and the index is at most 2.7 slots per entry.
const MAX_LOAD = 0.75
const INITIAL_INDEX_CAPACITY = 1024
const INITIAL_ENTRY_CAPACITY = 1024
// Set on an entry's kind while `compact` marks the entries it keeps.
const KEEP = 0x80

// murmur3's finalizer: every input bit reaches every output bit, so chaining it over the words spreads
// keys that differ anywhere (e.g. counters a caller spelled in base64url) over the whole index.
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return h ^ (h >>> 16)
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] as number
}

/**
 * Replay entries (a key of `keyWords` 32-bit words, a kind from 1 to 127 that separates keys of different
 * origins, an expiry) in insertion order, with a hash index over them. All in typed arrays: no object per
 * entry, no string hashing, nothing for the garbage collector to trace.
 *
 * - The entries sit in a ring, appended at the tail and dropped at the head, which is expiry order when
 *   every entry lives as long. Removing a key from the index leaves its entry in the ring, stale, until the
 *   head reaches it or `compact` runs.
 * - The index is open addressing with linear probing: per slot the entry's ring position + 1 (0: empty) and
 *   the key's 32-bit hash, 8 bytes, so a probe reads an entry only on a full hash match and a lookup is
 *   mostly one cache line of the index (a third of the memory). Backward-shift deletion leaves no
 *   tombstones in a table that runs full for days.
 *
 * Both grow by doubling up to what `maxEntries` needs and then never allocate again: memory stays flat.
 * A key is read from `source` at `offset` (`keyWords` words).
 */
export class ReplayKeyTable {
  // The ring.
  #words: Uint32Array
  #kinds: Uint8Array
  #expiries: Float64Array
  #head = 0
  #count = 0
  #stale = 0
  readonly #maxEntries: number
  readonly #keyWords: number
  // The index: [position + 1, hash] per slot.
  #index: Uint32Array
  #mask: number
  #size = 0
  #growAt: number
  readonly #maxIndexCapacity: number
  // Random per table, so which keys share a probe run does not follow from the keys alone (against
  // clustering by chosen keys, as V8 seeds its string hashes; not a cryptographic guarantee).
  readonly #seed: number

  constructor(maxEntries: number, keyWords: number, seed: number = randomSeed()) {
    if (!Number.isInteger(keyWords) || keyWords < 1)
      throw new RangeError('keyWords must be a positive integer')
    this.#maxEntries = maxEntries
    this.#keyWords = keyWords
    const entries = Math.min(INITIAL_ENTRY_CAPACITY, maxEntries)
    this.#words = new Uint32Array(entries * keyWords)
    this.#kinds = new Uint8Array(entries)
    this.#expiries = new Float64Array(entries)
    let maxIndexCapacity = 2
    while (maxIndexCapacity * MAX_LOAD < maxEntries) maxIndexCapacity *= 2
    this.#maxIndexCapacity = maxIndexCapacity
    const slots = Math.min(INITIAL_INDEX_CAPACITY, maxIndexCapacity)
    this.#index = new Uint32Array(slots * 2)
    this.#mask = slots - 1
    this.#growAt = this.#growThreshold()
    this.#seed = seed
  }

  /** Keys in the index: live entries, and expired ones not yet swept. */
  get size(): number {
    return this.#size
  }

  /** Entries in the ring, stale ones included: at most `maxEntries`. */
  get count(): number {
    return this.#count
  }

  /** Entries in the ring whose key was removed from the index since the last `compact`. */
  get stale(): number {
    return this.#stale
  }

  /** Slots of the index allocated now. */
  get indexCapacity(): number {
    return this.#mask + 1
  }

  /** Entries the ring has room for now. */
  get entryCapacity(): number {
    return this.#kinds.length
  }

  /** The index slot where probing for a key starts. */
  homeSlot(source: Uint32Array, offset: number): number {
    return this.#hash(source, offset) & this.#mask
  }

  /** The key's hash: pass it to `find` and `add` of the same key to spare them computing it again. */
  hashOf(source: Uint32Array, offset: number): number {
    return this.#hash(source, offset)
  }

  /** The index slot of the key, or -1. */
  find(source: Uint32Array, offset: number, kind: number, hash = this.#hash(source, offset)): number {
    const index = this.#index
    const words = this.#words
    const keyWords = this.#keyWords
    const mask = this.#mask
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const position = (index[slot * 2] as number) - 1
      if (position < 0) return -1
      if (index[slot * 2 + 1] !== hash || this.#kinds[position] !== kind) continue
      const at = position * keyWords
      let i = 0
      while (i < keyWords && words[at + i] === source[offset + i]) i++
      if (i === keyWords) return slot
    }
  }

  /** The expiry of the key in index `slot`, a slot `find` returned. */
  expiry(slot: number): number {
    return this.#expiries[(this.#index[slot * 2] as number) - 1] as number
  }

  /** Removes the key in index `slot` from the index; its entry stays in the ring, stale. */
  remove(slot: number): void {
    this.#unlink(slot)
    this.#stale++
  }

  #unlink(slot: number): void {
    const index = this.#index
    const mask = this.#mask
    let hole = slot
    for (let next = (hole + 1) & mask; index[next * 2] !== 0; next = (next + 1) & mask) {
      // An entry may move back into the hole only if its home slot does not lie after the hole in its probe
      // run, i.e. lies cyclically outside (hole, next].
      const home = (index[next * 2 + 1] as number) & mask
      if (((next - home) & mask) < ((next - hole) & mask)) continue
      index[hole * 2] = index[next * 2] as number
      index[hole * 2 + 1] = index[next * 2 + 1] as number
      hole = next
    }
    index[hole * 2] = 0
    this.#size--
  }

  /** Adds a key the index does not hold. The caller keeps `count` below `maxEntries`. */
  add(
    source: Uint32Array,
    offset: number,
    kind: number,
    expiresAt: number,
    hash = this.#hash(source, offset),
  ): void {
    if (this.#count === this.#kinds.length) this.#growRing()
    if (this.#size >= this.#growAt) this.#growIndex()
    let tail = this.#head + this.#count
    if (tail >= this.#kinds.length) tail -= this.#kinds.length
    const keyWords = this.#keyWords
    const at = tail * keyWords
    const words = this.#words
    for (let i = 0; i < keyWords; i++) words[at + i] = source[offset + i] as number
    this.#kinds[tail] = kind
    this.#expiries[tail] = expiresAt
    this.#count++
    this.#link(tail, hash)
  }

  /** The expiry of the oldest entry; the ring must not be empty. */
  get headExpiry(): number {
    return this.#expiries[this.#head] as number
  }

  /** Drops the oldest entry, and its key from the index unless the entry is stale; the ring must not be empty. */
  dropHead(): void {
    const head = this.#head
    const index = this.#index
    const mask = this.#mask
    // The index slot that points at this entry, if any: found by position, no key comparison needed.
    let stale = true
    for (
      let slot = this.#hash(this.#words, head * this.#keyWords) & mask;
      index[slot * 2] !== 0;
      slot = (slot + 1) & mask
    ) {
      if (index[slot * 2] === head + 1) {
        this.#unlink(slot)
        stale = false
        break
      }
    }
    if (stale) this.#stale--
    this.#head = head + 1 === this.#kinds.length ? 0 : head + 1
    this.#count--
  }

  /**
   * Drops every stale entry and every entry expired at `at` (entries of different lifetimes are not in
   * expiry order), then rebuilds the index over what is left. O(entries): for a table full of live ones.
   */
  compact(at: number): void {
    const index = this.#index
    const kinds = this.#kinds
    const expiries = this.#expiries
    for (let slot = 0; slot <= this.#mask; slot++) {
      const position = (index[slot * 2] as number) - 1
      if (position >= 0 && (expiries[position] as number) > at)
        kinds[position] = (kinds[position] as number) | KEEP
    }
    const words = this.#words
    const keyWords = this.#keyWords
    const capacity = kinds.length
    let from = this.#head
    let to = this.#head
    let kept = 0
    for (let i = 0; i < this.#count; i++) {
      const kind = kinds[from] as number
      if ((kind & KEEP) !== 0) {
        words.copyWithin(to * keyWords, from * keyWords, (from + 1) * keyWords)
        kinds[to] = kind & ~KEEP
        expiries[to] = expiries[from] as number
        if (++to === capacity) to = 0
        kept++
      }
      if (++from === capacity) from = 0
    }
    this.#count = kept
    this.#stale = 0
    this.#reindex()
  }

  #hash(source: Uint32Array, offset: number): number {
    let h = this.#seed
    for (let i = 0, end = this.#keyWords; i < end; i++) h = mix(h ^ (source[offset + i] as number))
    return h >>> 0
  }

  #link(position: number, hash: number): void {
    const index = this.#index
    const mask = this.#mask
    let slot = hash & mask
    while (index[slot * 2] !== 0) slot = (slot + 1) & mask
    index[slot * 2] = position + 1
    index[slot * 2 + 1] = hash
    this.#size++
  }

  #growThreshold(): number {
    const capacity = this.#mask + 1
    // The largest index is sized for maxEntries: it never needs to grow, and one slot at least stays empty.
    return capacity === this.#maxIndexCapacity ? capacity : Math.floor(capacity * MAX_LOAD)
  }

  #growIndex(): void {
    const old = this.#index
    const capacity = (this.#mask + 1) * 2
    this.#index = new Uint32Array(capacity * 2)
    this.#mask = capacity - 1
    this.#growAt = this.#growThreshold()
    this.#size = 0
    for (let slot = 0; slot < old.length; slot += 2) {
      const position = (old[slot] as number) - 1
      if (position >= 0) this.#link(position, old[slot + 1] as number)
    }
  }

  // Called only when the ring is full: every position moves from `head + i` to `i`.
  #growRing(): void {
    const oldCapacity = this.#kinds.length
    const capacity = Math.min(oldCapacity * 2, this.#maxEntries)
    if (capacity === oldCapacity) throw new RangeError('ReplayKeyTable holds maxEntries entries')
    const head = this.#head
    const keyWords = this.#keyWords
    const words = new Uint32Array(capacity * keyWords)
    const kinds = new Uint8Array(capacity)
    const expiries = new Float64Array(capacity)
    words.set(this.#words.subarray(head * keyWords))
    words.set(this.#words.subarray(0, head * keyWords), (oldCapacity - head) * keyWords)
    kinds.set(this.#kinds.subarray(head))
    kinds.set(this.#kinds.subarray(0, head), oldCapacity - head)
    expiries.set(this.#expiries.subarray(head))
    expiries.set(this.#expiries.subarray(0, head), oldCapacity - head)
    this.#words = words
    this.#kinds = kinds
    this.#expiries = expiries
    this.#head = 0
    const index = this.#index
    for (let slot = 0; slot < index.length; slot += 2) {
      const stored = index[slot] as number
      if (stored !== 0) index[slot] = ((stored - 1 - head + oldCapacity) % oldCapacity) + 1
    }
  }

  #reindex(): void {
    this.#index.fill(0)
    this.#size = 0
    const capacity = this.#kinds.length
    for (let i = 0, position = this.#head; i < this.#count; i++) {
      this.#link(position, this.#hash(this.#words, position * this.#keyWords))
      if (++position === capacity) position = 0
    }
  }
}
