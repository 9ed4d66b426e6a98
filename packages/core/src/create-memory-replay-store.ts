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

  function sweep(limit: number, at: number): void {
    for (const [key, expiresAt] of entries) {
      if (limit-- <= 0 || expiresAt > at) return
      entries.delete(key)
    }
  }

  return {
    get size() {
      return entries.size
    },
    async reserve(key, expiresAt) {
      const at = now()
      sweep(SWEEP_PER_CALL, at)
      const existing = entries.get(key)
      if (existing !== undefined) {
        if (existing > at) return false
        entries.delete(key)
      }
      if (entries.size >= maxEntries) {
        sweep(entries.size, at)
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
