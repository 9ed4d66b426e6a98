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

/**
 * A bounded in-process replay store for a single server instance. Several instances must share a
 * store such as `@dpop/redis` instead.
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): MemoryReplayStore {
  const maxEntries = options.maxEntries ?? 1_000_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new TypeError('maxEntries must be a positive integer')
  const now = options.now ?? Date.now
  // Insertion order approximates expiry order (every proof lives for the same window), so the oldest
  // entries sit at the head and are swept from there.
  const entries = new Map<string, number>()

  let nextFullSweep = Number.NEGATIVE_INFINITY

  function sweep(limit: number, at: number): void {
    for (const [key, expiresAt] of entries) {
      if (limit-- <= 0 || expiresAt > at) return
      entries.delete(key)
    }
  }

  // Entries of different lifetimes (stores shared by callers with different windows) are not in expiry
  // order: an expired entry may sit behind a live one at the head.
  function sweepAll(at: number): void {
    if (at < nextFullSweep) return
    nextFullSweep = at + FULL_SWEEP_INTERVAL_MS
    for (const [key, expiresAt] of entries) if (expiresAt <= at) entries.delete(key)
  }

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
      if (entries.size >= maxEntries) {
        sweep(entries.size, at)
        if (entries.size >= maxEntries) sweepAll(at)
        if (entries.size >= maxEntries) {
          throw new DPoPError('temporarily_unavailable', 'replay_store_full', {
            status: 503,
            description: 'replay protection is at capacity',
          })
        }
      }
      entries.set(key, expiresAt)
      return true
    },
  }
}
