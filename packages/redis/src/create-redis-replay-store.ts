import { randomBytes } from 'node:crypto'
import { DPoPError, type ReplayStore } from '@dpop/core'
import { assertPrefix, expiryArgument, keyPart } from './keys.js'
import { asCaller, type RedisConnection } from './redis-connection.js'
import { RESERVE_PROOF_SCRIPT } from './replay-scripts.js'
import { assertTimeout, guarded } from './unavailable.js'

/** Options of {@link createRedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /**
   * Prepended to every key (`<prefix>{replay:<n>}:jti:<key>`); no braces, so that the hash tag stays the
   * store's own.
   * @default 'dpop:'
   */
  prefix?: string
  /**
   * Upper bound in milliseconds on one reservation, on top of the client's own `commandTimeout`: past
   * it, `reserve` rejects and verification fails closed with 503 `temporarily_unavailable`.
   * @default 2000
   */
  timeout?: number
  /**
   * Once the store finds that Redis forgot reservations (a restart without persistence, a flush, a failover
   * to a replica that missed writes), it refuses with 503 `replay_store_reset` every proof issued before
   * that moment plus this margin, in milliseconds: it covers an `iat` up to the verifier's `clockTolerance`
   * ahead and the difference between the servers' clocks and Redis's.
   * @default 10_000
   */
  resetMargin?: number
}

/** Slots the reservations are spread over, each with its own epoch marker (one hash tag each). */
const BUCKETS = 64

// FNV-1a: spreads keys over the buckets alike on every instance (not a security boundary: any bucket works).
function bucketOf(part: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < part.length; i++) hash = Math.imul(hash ^ part.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % BUCKETS
}

/** The Redis key a reservation of `key` is stored under, and its bucket. */
export function reservationKey(prefix: string, key: string): { key: string; bucket: number; tag: string } {
  const part = keyPart(key)
  const bucket = bucketOf(part)
  const tag = `${prefix}{replay:${bucket}}`
  return { key: `${tag}:jti:${part}`, bucket, tag }
}

/**
 * A `ReplayStore` (RFC 9449 §11.1) shared by every instance through Redis ≥ 6.2: `reserve` is one atomic
 * script around `SET <prefix>{replay:<n>}:jti:<key> 1 NX PXAT <expiresAt>`, true only for the first
 * reservation. When Redis fails or is too slow, `reserve` rejects with 503 `temporarily_unavailable`, so a
 * proof is never accepted unchecked.
 *
 * Redis may forget what it held (restarted without persistence, flushed, or a replica that missed the
 * latest writes promoted). The same script keeps an epoch marker per bucket of keys and checks that this
 * instance's latest reservation in the bucket is still there; when the marker this instance saw is gone or
 * replaced, or that reservation vanished before its expiry, it records a new epoch, and from then on every
 * instance refuses (503 `replay_store_reset`) proofs issued before it, which may be replays Redis no longer
 * remembers. Clients retry with a new proof. No restart of the servers is needed.
 */
export function createRedisReplayStore(
  redis: RedisConnection,
  options: RedisReplayStoreOptions = {},
): ReplayStore {
  const caller = asCaller(redis)
  const prefix = assertPrefix(options.prefix ?? 'dpop:', 'createRedisReplayStore')
  const timeout = assertTimeout(options.timeout ?? 2000, 'createRedisReplayStore')
  const resetMargin = options.resetMargin ?? 10_000
  if (!Number.isFinite(resetMargin) || resetMargin < 0) {
    throw new TypeError('createRedisReplayStore: resetMargin must be a non-negative number of milliseconds')
  }
  // Per bucket: the id of the epoch marker this instance last saw ('' before the first), and its latest
  // reservation there (the probe whose disappearance shows that Redis lost writes).
  const seenMarkers: string[] = new Array(BUCKETS).fill('')
  const probes: ({ key: string; expiresAt: number } | undefined)[] = new Array(BUCKETS).fill(undefined)
  // Ids of markers this instance creates: unique without a random draw per call.
  const instance = randomBytes(9).toString('base64url')
  let created = 0

  return {
    async reserve(key, expiresAt, issuedAt) {
      const at = expiryArgument(expiresAt, 'reserve')
      if (issuedAt !== undefined && (typeof issuedAt !== 'number' || !Number.isFinite(issuedAt))) {
        throw new TypeError('reserve: issuedAt must be a finite number of epoch milliseconds')
      }
      if (typeof key !== 'string') throw new TypeError('reserve: key must be a string')
      const { key: jtiKey, bucket, tag } = reservationKey(prefix, key)
      const probe = probes[bucket]
      const seen = seenMarkers[bucket] as string
      const reply = await guarded(timeout, () =>
        RESERVE_PROOF_SCRIPT.run(
          caller,
          [jtiKey, `${tag}:epoch`, probe?.key ?? jtiKey],
          [
            at,
            issuedAt === undefined ? '' : Math.floor(issuedAt),
            resetMargin,
            probe?.expiresAt ?? 0,
            seen,
            `${instance}.${(created++).toString(36)}`,
          ],
        ),
      )
      // A bare status while the marker is the one sent as seen; with the marker's id when it is another.
      const status = typeof reply === 'number' ? reply : (reply as [number, string])[0]
      const marker = typeof reply === 'number' ? seen : (reply as [number, string])[1]
      if (marker !== seenMarkers[bucket]) {
        // A new epoch: the probe may be one of the lost writes, and must not be reported lost again.
        seenMarkers[bucket] = marker
        probes[bucket] = undefined
      }
      if (status === 1) {
        probes[bucket] = { key: jtiKey, expiresAt: at }
        return true
      }
      if (status === -1) {
        throw new DPoPError('temporarily_unavailable', 'replay_store_reset', {
          status: 503,
          description: 'replay protection lost its memory after this proof was issued: send a new proof',
        })
      }
      return false
    },
  }
}
