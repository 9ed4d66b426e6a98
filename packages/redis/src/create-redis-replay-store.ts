import type { ReplayStore } from '@dpop/core'
import { assertPrefix, expiryArgument, keyPart } from './keys.js'
import { asCaller, type RedisConnection } from './redis-connection.js'
import { assertTimeout, guarded } from './unavailable.js'

/** Options of {@link createRedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /**
   * Prepended to every key (`<prefix>jti:<key>`); no braces, so that Redis Cluster spreads keys by their
   * whole name.
   * @default 'dpop:'
   */
  prefix?: string
  /**
   * Upper bound in milliseconds on one reservation, on top of the client's own `commandTimeout`: past
   * it, `reserve` rejects and verification fails closed with 503 `temporarily_unavailable`.
   * @default 2000
   */
  timeout?: number
}

/**
 * A `ReplayStore` (RFC 9449 §11.1) shared by every instance through Redis ≥ 6.2: `reserve` is one atomic
 * `SET <prefix>jti:<key> 1 NX PXAT <expiresAt>`, true only for the first reservation. When Redis fails or
 * is too slow, `reserve` rejects with 503 `temporarily_unavailable`, so a proof is never accepted
 * unchecked.
 */
export function createRedisReplayStore(
  redis: RedisConnection,
  options: RedisReplayStoreOptions = {},
): ReplayStore {
  const caller = asCaller(redis)
  const prefix = assertPrefix(options.prefix ?? 'dpop:', 'createRedisReplayStore')
  const timeout = assertTimeout(options.timeout ?? 2000, 'createRedisReplayStore')
  return {
    async reserve(key, expiresAt) {
      const at = expiryArgument(expiresAt, 'reserve')
      const reply = await guarded(timeout, () =>
        caller.call('SET', `${prefix}jti:${keyPart(key)}`, '1', 'NX', 'PXAT', at),
      )
      return reply === 'OK'
    },
  }
}
