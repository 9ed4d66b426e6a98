import { decodeJtiWords, JTI_LENGTH, JTI_WORDS } from './decode-jti-words.js'
import { DPoPError } from './dpop-error.js'
import { LruCache } from './lru-cache.js'
import { hmacSha256With } from './platform-crypto.js'
import { replayKeyOf } from './replay-key.js'
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
  /** Always answers on Node; elsewhere `undefined` while Web Crypto derives the key's slot for the first time. */
  reserveSync(key: string, expiresAt: number, issuedAt?: number): boolean | undefined
  /** {@link reserveSync} of `<thumbprint>.<jti>`, without building the key. */
  reserveProofSync(thumbprint: string, jti: string, expiresAt: number, issuedAt?: number): boolean | undefined
}

// Expired entries swept from the head on each call: enough to keep up with arrivals, O(1) per call.
const SWEEP_PER_CALL = 4
// When full, a scan of every entry (for expired ones behind a long-lived head) runs at most this often,
// so a store kept full by live entries does not cost O(n) per request (see sweepAll for the exception).
const FULL_SWEEP_INTERVAL_MS = 1000
// Kinds of key in the table, kept apart. PROOF: verifyProof's keys (`<thumbprint>.<jti>`, the jti 128 bits in
// canonical base64url) as the jti's 128 bits XORed with a mask of the thumbprint, the first 128 bits of its
// HMAC-SHA-256 under the store's secret: one-to-one for each key, and no one without the secret can choose a
// jti for their key that lands on the slot of another key's jti. MAC: any other string by the first 128 bits
// of its own HMAC-SHA-256. 16 bytes a key either way.
const PROOF = 1
const MAC = 2
// Thumbprints whose mask is kept: more than the key cache of verifyProof holds by default, so a mask is derived
// about once per key the server sees.
const MASKS_KEPT = 4096

// The first four big-endian 32-bit words of `bytes`, into `out`.
function bigEndianWords(bytes: Uint8Array, out: Uint32Array): void {
  for (let i = 0; i < JTI_WORDS; i++) {
    out[i] =
      ((bytes[i * 4] as number) << 24) |
      ((bytes[i * 4 + 1] as number) << 16) |
      ((bytes[i * 4 + 2] as number) << 8) |
      (bytes[i * 4 + 3] as number)
  }
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
  const table = new ReplayKeyTable(maxEntries, JTI_WORDS)
  // The key of the reservation under way.
  const words = new Uint32Array(JTI_WORDS)
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
    const hash = table.hashOf(words, 0)
    const slot = table.find(words, 0, kind, hash)
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
    table.add(words, 0, kind, expiresAt, hash)
    return true
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

  // Derived under a secret of this store, so which keys share a slot cannot follow from the keys alone. Input
  // spelled as JSON, which spells every string differently (UTF-8 would read lone surrogates as U+FFFD, two
  // keys as one); a mask's input is an array, a MAC's a string, so the two never meet. Synchronous on Node.
  const hmac = hmacSha256With(crypto.getRandomValues(new Uint8Array(32)))
  const masks = new LruCache<string, Uint32Array>(MASKS_KEPT)

  function maskOf(thumbprint: string): Uint32Array | Promise<Uint32Array> {
    const mask = masks.get(thumbprint)
    if (mask !== undefined) return mask
    const keep = (mac: Uint8Array) => {
      const derived = new Uint32Array(JTI_WORDS)
      bigEndianWords(mac, derived)
      masks.set(thumbprint, derived)
      return derived
    }
    const mac = hmac(JSON.stringify([thumbprint]))
    return mac instanceof Uint8Array ? keep(mac) : mac.then(keep)
  }

  // Reserves the jti decoded in `words` under its key's mask. `words` is shared: decode, mask and reserve
  // happen in one synchronous step, never across an await.
  function reserveProof(mask: Uint32Array, expiresAt: number): boolean {
    for (let i = 0; i < JTI_WORDS; i++) words[i] = (words[i] as number) ^ (mask[i] as number)
    return reserveWords(PROOF, expiresAt)
  }

  function reserveMac(mac: Uint8Array, expiresAt: number): boolean {
    bigEndianWords(mac, words)
    return reserveWords(MAC, expiresAt)
  }

  // Where the jti of a proof key starts, decoded into `words`, or -1: the first dot splits the pair (a
  // thumbprint never holds one).
  function jtiStart(key: string): number {
    const dot = key.indexOf('.')
    return dot >= 0 && key.length - dot - 1 === JTI_LENGTH && decodeJtiWords(key, dot + 1, words)
      ? dot + 1
      : -1
  }

  function reserveKeySync(key: string, expiresAt: number): boolean | undefined {
    const start = jtiStart(key)
    if (start > 0) {
      const mask = maskOf(key.slice(0, start - 1))
      return mask instanceof Uint32Array ? reserveProof(mask, expiresAt) : undefined
    }
    const mac = hmac(JSON.stringify(key))
    return mac instanceof Uint8Array ? reserveMac(mac, expiresAt) : undefined
  }

  return {
    get size() {
      return table.size
    },
    reserveSync(key, expiresAt, issuedAt) {
      checkArguments(key, expiresAt, issuedAt)
      return reserveKeySync(key, expiresAt)
    },
    reserveProofSync(thumbprint, jti, expiresAt, issuedAt) {
      checkArguments(jti, expiresAt, issuedAt)
      if (typeof thumbprint !== 'string') throw new TypeError('reserve: thumbprint must be a string')
      // Anything but a thumbprint and a 128-bit jti is reserved as the key it spells, to share its slot.
      if (jti.length !== JTI_LENGTH || thumbprint.includes('.') || !decodeJtiWords(jti, 0, words))
        return reserveKeySync(replayKeyOf(thumbprint, jti), expiresAt)
      const mask = maskOf(thumbprint)
      return mask instanceof Uint32Array ? reserveProof(mask, expiresAt) : undefined
    },
    async reserve(key, expiresAt, issuedAt) {
      checkArguments(key, expiresAt, issuedAt)
      const start = jtiStart(key)
      if (start > 0) {
        const mask = maskOf(key.slice(0, start - 1))
        if (mask instanceof Uint32Array) return reserveProof(mask, expiresAt)
        const derived = await mask
        decodeJtiWords(key, start, words)
        return reserveProof(derived, expiresAt)
      }
      const mac = hmac(JSON.stringify(key))
      return reserveMac(mac instanceof Uint8Array ? mac : await mac, expiresAt)
    },
  }
}
