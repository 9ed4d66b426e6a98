import { decodeReplayKey, PAIR_KEY_WORDS } from './decode-replay-key.js'
import { DPoPError } from './dpop-error.js'
import { hmacSha256With } from './platform-crypto.js'
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
  /**
   * Refuse, with 503 `replay_store_reset`, every proof issued before this store was created (RFC 9449 §11.1):
   * a process that restarts forgets the proofs it accepted, and this keeps them from being accepted again
   * until they are too old anyway. Clients see the refusal only for proofs they made before the restart.
   * Off by default, for tests and tools that verify proofs made earlier or on a fixed clock.
   * @default false
   */
  refuseProofsIssuedBeforeStart?: boolean
}

/** The in-process {@link ReplayStore} of {@link createMemoryReplayStore}, for a single server instance. */
export interface MemoryReplayStore extends ReplayStore {
  /** Live and not yet swept entries. */
  readonly size: number
  /** Always answers for verifyProof's keys; `undefined` only for other keys while Web Crypto MACs them. */
  reserveSync(key: string, expiresAt: number, issuedAt?: number): boolean | undefined
}

// Expired entries swept from the head on each call: enough to keep up with arrivals, O(1) per call.
const SWEEP_PER_CALL = 4
// When full, a scan of every entry (for expired ones behind a long-lived head) runs at most this often,
// so a store kept full by live entries does not cost O(n) per request (see sweepAll for the exception).
const FULL_SWEEP_INTERVAL_MS = 1000
// Kinds of key in the table, kept apart. PAIR: verifyProof's keys (`<thumbprint>.<jti>`, a 32-byte thumbprint
// and a 128-bit jti in canonical base64url) by their own 48 bytes, whole. MAC: any other string by its
// HMAC-SHA-256 under the store's secret (32 bytes, then zeros). No key can be aimed at another key's slot.
const PAIR = 1
const MAC = 2

// The first `count` big-endian 32-bit words of `bytes`, into `out`.
function bigEndianWords(bytes: Uint8Array, out: Uint32Array, count: number): Uint32Array {
  for (let i = 0; i < count; i++) {
    out[i] =
      ((bytes[i * 4] as number) << 24) |
      ((bytes[i * 4 + 1] as number) << 16) |
      ((bytes[i * 4 + 2] as number) << 8) |
      (bytes[i * 4 + 3] as number)
  }
  return out
}

/**
 * A bounded in-process replay store for a single server instance. Several instances must share a
 * store such as `@dpop/redis` instead.
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): MemoryReplayStore {
  const maxEntries = options.maxEntries ?? 1_000_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new TypeError('maxEntries must be a positive integer')
  const now = options.now ?? Date.now
  // Proofs whose whole iat second lies before the store existed (iat has whole seconds: a proof made in the
  // second the store was created is not refused).
  const refuseIssuedBefore = options.refuseProofsIssuedBeforeStart === true ? now() - 1000 : undefined
  // The entries by key and in insertion order (which approximates expiry order: every proof lives for the
  // same window), in typed arrays that stop growing at the size maxEntries needs: memory stays flat once
  // full, where a Map kept rehashing as keys came and went.
  const table = new ReplayKeyTable(maxEntries, PAIR_KEY_WORDS)
  // The key of the reservation under way.
  const words = new Uint32Array(PAIR_KEY_WORDS)
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

  function reserveMac(mac: Uint8Array, expiresAt: number): boolean {
    bigEndianWords(mac, words, 8)
    words.fill(0, 8)
    return reserveWords(MAC, expiresAt)
  }

  function checkArguments(key: unknown, expiresAt: unknown, issuedAt: unknown): asserts key is string {
    // An expiry that is not a number would make the entry expired at once (and the proof replayable).
    if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
      throw new TypeError('reserve: expiresAt must be a number of epoch milliseconds')
    }
    if (typeof key !== 'string') throw new TypeError('reserve: key must be a string')
    if (
      refuseIssuedBefore !== undefined &&
      typeof issuedAt === 'number' &&
      !(issuedAt >= refuseIssuedBefore)
    ) {
      throw new DPoPError('temporarily_unavailable', 'replay_store_reset', {
        status: 503,
        description: 'replay protection restarted after this proof was issued: send a new proof',
      })
    }
  }

  // Any key that is not verifyProof's is kept by its HMAC-SHA-256 under a secret of this store: a fixed-size
  // slot that no one without the secret can aim at another key's (a plain hash would need a second preimage,
  // the secret makes even that moot). MACed as JSON, which spells every string
  // differently (UTF-8 would read lone surrogates as U+FFFD, two keys as one). Synchronous on Node.
  const hmac = hmacSha256With(crypto.getRandomValues(new Uint8Array(32)))
  const macOf = (key: string) => hmac(JSON.stringify(key))
  return {
    get size() {
      return table.size
    },
    reserveSync(key, expiresAt, issuedAt) {
      checkArguments(key, expiresAt, issuedAt)
      if (decodeReplayKey(key, words)) return reserveWords(PAIR, expiresAt)
      const mac = macOf(key)
      return mac instanceof Uint8Array ? reserveMac(mac, expiresAt) : undefined
    },
    async reserve(key, expiresAt, issuedAt) {
      checkArguments(key, expiresAt, issuedAt)
      if (decodeReplayKey(key, words)) return reserveWords(PAIR, expiresAt)
      const mac = macOf(key)
      return reserveMac(mac instanceof Uint8Array ? mac : await mac, expiresAt)
    },
  }
}
