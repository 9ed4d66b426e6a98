import { DPoPError } from './dpop-error.js'
import type { ReplayStore } from './replay-store.js'

export interface MemoryReplayStoreOptions {
  /**
   * Live entries kept at most. When every slot holds a live entry, `reserve` fails closed (503) rather
   * than forget a live proof.
   * @default 1_000_000
   */
  maxEntries?: number
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number
}

export interface MemoryReplayStore extends ReplayStore {
  /** Live and not yet swept entries. */
  readonly size: number
}

// Expired entries swept from the head on each call: enough to keep up with arrivals, O(1) per call.
const SWEEP_PER_CALL = 4
// When full, a scan of every entry (for expired ones behind a long-lived head) runs at most this often,
// so a store kept full by live entries does not cost O(n) per request.
const FULL_SWEEP_INTERVAL_MS = 1000
const INITIAL_CAPACITY = 1024

/**
 * A bounded in-process replay store for a single server instance. Several instances must share a
 * store such as `@dpop/redis` instead.
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): MemoryReplayStore {
  const maxEntries = options.maxEntries ?? 1_000_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new TypeError('maxEntries must be a positive integer')
  const now = options.now ?? Date.now
  // The live entries by key. Never iterated on the hot path: a Map keeps deleted slots until it rehashes, and
  // walking from its head over them made every sweep slower the longer the store ran full.
  const entries = new Map<string, number>()
  // The same entries in insertion order, which approximates expiry order (every proof lives for the same
  // window), in a ring that grows up to maxEntries. Each slot keeps its own expiry: a key reserved again after
  // expiring leaves a stale slot behind, recognised because the Map no longer holds that expiry for it.
  let ringKeys: (string | undefined)[] = new Array(Math.min(INITIAL_CAPACITY, maxEntries))
  let ringExpiries = new Float64Array(ringKeys.length)
  let head = 0
  let count = 0
  let nextFullSweep = Number.NEGATIVE_INFINITY

  function append(key: string, expiresAt: number): void {
    if (count === ringKeys.length) {
      const capacity = Math.min(ringKeys.length * 2, maxEntries)
      const keys: (string | undefined)[] = new Array(capacity)
      const expiries = new Float64Array(capacity)
      for (let i = 0; i < count; i++) {
        const from = (head + i) % ringKeys.length
        keys[i] = ringKeys[from]
        expiries[i] = ringExpiries[from] as number
      }
      ringKeys = keys
      ringExpiries = expiries
      head = 0
    }
    const at = (head + count) % ringKeys.length
    ringKeys[at] = key
    ringExpiries[at] = expiresAt
    count++
  }

  function sweep(limit: number, at: number): void {
    while (count > 0 && limit-- > 0) {
      const expiresAt = ringExpiries[head] as number
      if (expiresAt > at) return
      const key = ringKeys[head] as string
      if (entries.get(key) === expiresAt) entries.delete(key)
      ringKeys[head] = undefined
      head = (head + 1) % ringKeys.length
      count--
    }
  }

  // Entries of different lifetimes (stores shared by callers with different windows) are not in expiry
  // order: an expired entry may sit behind a live one at the head. Rebuild the ring from the live entries.
  function sweepAll(at: number): void {
    if (at < nextFullSweep) return
    nextFullSweep = at + FULL_SWEEP_INTERVAL_MS
    for (const [key, expiresAt] of entries) if (expiresAt <= at) entries.delete(key)
    ringKeys = new Array(Math.min(Math.max(INITIAL_CAPACITY, entries.size * 2), maxEntries))
    ringExpiries = new Float64Array(ringKeys.length)
    head = 0
    count = 0
    for (const [key, expiresAt] of entries) append(key, expiresAt)
  }

  const full = () => entries.size >= maxEntries || count >= maxEntries

  return {
    get size() {
      return entries.size
    },
    async reserve(key, expiresAt) {
      // An expiry that is not a number would make the entry expired at once (and the proof replayable).
      if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
        throw new TypeError('reserve: expiresAt must be a number of epoch milliseconds')
      }
      const at = now()
      sweep(SWEEP_PER_CALL, at)
      const existing = entries.get(key)
      if (existing !== undefined) {
        if (existing > at) return false
        entries.delete(key)
      }
      if (full()) {
        sweep(count, at)
        if (full()) sweepAll(at)
        if (full()) {
          throw new DPoPError('temporarily_unavailable', 'replay_store_full', {
            status: 503,
            description: 'replay protection is at capacity',
          })
        }
      }
      entries.set(key, expiresAt)
      append(key, expiresAt)
      return true
    },
  }
}
