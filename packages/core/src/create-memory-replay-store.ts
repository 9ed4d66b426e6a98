import { decodeReplayKey } from './decode-replay-key.js'
import { DPoPError } from './dpop-error.js'
import { sha256Base64url } from './platform-crypto.js'
import { ReplayKeyTable } from './replay-key-table.js'
import type { ReplayStore } from './replay-store.js'

/** Options of {@link createMemoryReplayStore}. */
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

/** The in-process {@link ReplayStore} of {@link createMemoryReplayStore}, for a single server instance. */
export interface MemoryReplayStore extends ReplayStore {
  /** Live and not yet swept entries. */
  readonly size: number
  /** Always answers for verifyProof's keys; `undefined` only for other keys while Web Crypto hashes them. */
  reserveSync(key: string, expiresAt: number): boolean | undefined
}

// Expired entries swept from the head on each call: enough to keep up with arrivals, O(1) per call.
const SWEEP_PER_CALL = 4
// When full, a scan of every entry (for expired ones behind a long-lived head) runs at most this often,
// so a store kept full by live entries does not cost O(n) per request (see sweepAll for the exception).
const FULL_SWEEP_INTERVAL_MS = 1000
// Kinds of key in the table: verifyProof's keys (16 bytes of SHA-256 in canonical base64url) by their own
// bytes, any other string by its SHA-256. Kept apart so that a key spelling the digest of another cannot
// be taken for it.
const DECODED = 1
const DIGEST = 2

/**
 * A bounded in-process replay store for a single server instance. Several instances must share a
 * store such as `@dpop/redis` instead.
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): MemoryReplayStore {
  const maxEntries = options.maxEntries ?? 1_000_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new TypeError('maxEntries must be a positive integer')
  const now = options.now ?? Date.now
  // The entries by key and in insertion order (which approximates expiry order: every proof lives for the
  // same window), in typed arrays that stop growing at the size maxEntries needs: memory stays flat once
  // full, where a Map kept rehashing as keys came and went.
  const table = new ReplayKeyTable(maxEntries)
  // The key of the reservation under way, as four words.
  const words = new Uint32Array(4)
  let nextFullSweep = Number.NEGATIVE_INFINITY

  function sweep(limit: number, at: number): void {
    while (table.count > 0 && limit-- > 0 && table.headExpiry <= at) table.dropHead()
  }

  // Entries of different lifetimes (stores shared by callers with different windows) are not in expiry
  // order: an expired entry may sit behind a live one at the head. Scanning for them is O(entries), so it
  // waits a second between scans, unless stale entries alone make a quarter of them: that scan pays for itself.
  function sweepAll(at: number): void {
    if (at < nextFullSweep && table.stale * 4 < table.count) return
    nextFullSweep = at + FULL_SWEEP_INTERVAL_MS
    table.compact(at)
  }

  // Reserves the key in `words`. Synchronous from look-up to insert, so concurrent calls cannot interleave.
  function reserveWords(kind: number, expiresAt: number): boolean {
    const at = now()
    sweep(SWEEP_PER_CALL, at)
    const slot = table.find(words, 0, kind)
    if (slot >= 0) {
      if (table.expiry(slot) > at) return false
      table.remove(slot)
    }
    // Entries count stale ones (keys reserved again after expiring) until they are swept: that is the bound.
    if (table.count >= maxEntries) {
      sweep(table.count, at)
      if (table.count >= maxEntries) sweepAll(at)
      if (table.count >= maxEntries) {
        throw new DPoPError('temporarily_unavailable', 'replay_store_full', {
          status: 503,
          description: 'replay protection is at capacity',
        })
      }
    }
    table.add(words, 0, kind, expiresAt)
    return true
  }

  function reserveDigest(digest: string, expiresAt: number): boolean {
    if (!decodeReplayKey(digest, words)) throw new Error('reserve: unexpected digest encoding')
    return reserveWords(DIGEST, expiresAt)
  }

  function checkArguments(key: unknown, expiresAt: unknown): asserts key is string {
    // An expiry that is not a number would make the entry expired at once (and the proof replayable).
    if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
      throw new TypeError('reserve: expiresAt must be a number of epoch milliseconds')
    }
    if (typeof key !== 'string') throw new TypeError('reserve: key must be a string')
  }

  // Any key that is not verifyProof's is kept by 16 bytes of its SHA-256 (two distinct keys collide after some
  // 2^64). Hashed as JSON, which spells every string differently (UTF-8 would read lone surrogates as U+FFFD,
  // two keys as one). Synchronous on Node.
  const digestOf = (key: string) => sha256Base64url(JSON.stringify(key), 16)

  return {
    get size() {
      return table.size
    },
    reserveSync(key, expiresAt) {
      checkArguments(key, expiresAt)
      if (decodeReplayKey(key, words)) return reserveWords(DECODED, expiresAt)
      const digest = digestOf(key)
      return typeof digest === 'string' ? reserveDigest(digest, expiresAt) : undefined
    },
    async reserve(key, expiresAt) {
      checkArguments(key, expiresAt)
      if (decodeReplayKey(key, words)) return reserveWords(DECODED, expiresAt)
      const digest = digestOf(key)
      return reserveDigest(typeof digest === 'string' ? digest : await digest, expiresAt)
    },
  }
}
