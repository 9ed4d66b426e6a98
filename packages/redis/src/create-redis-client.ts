import { Redis, type RedisOptions } from 'ioredis'

/**
 * ioredis options under which a Redis outage fails requests fast (503) instead of queueing them, and
 * service resumes by itself when Redis comes back. Spread them into `redisOptions` of a `Cluster`, or
 * next to `sentinels` for Sentinel.
 */
export const recommendedRedisOptions = Object.freeze({
  /** A command without reply after 1 s rejects (a hung or partitioned Redis). */
  commandTimeout: 1000,
  /** A TCP connection attempt gives up after 2 s. */
  connectTimeout: 2000,
  /** While disconnected, commands reject at once rather than wait in an unbounded queue. */
  enableOfflineQueue: false,
  /** A command is not retried across reconnections: it would outlive the request that sent it. */
  maxRetriesPerRequest: 0,
  /** Commands in flight when the connection dropped are failed, never resent later. */
  autoResendUnfulfilledCommands: false,
  /** Reconnect forever, backing off to one attempt per second, so no restart is needed. */
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
  /**
   * Sentinel only (ignored otherwise): leave the old master as soon as Sentinel announces the new one
   * (`+switch-master`), rather than keep writing to it, while it is still up, until Sentinel demotes it
   * seconds later and those writes are lost.
   */
  failoverDetector: true,
} satisfies RedisOptions)

/**
 * Connects to `url` (`redis://` or `rediss://`) with `recommendedRedisOptions`; `options` override them.
 * Throws `TypeError` when `url` is missing, e.g. an unset `REDIS_URL`.
 */
export function createRedisClient(url: string | undefined, options: RedisOptions = {}): Redis {
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
    throw new TypeError('createRedisClient: url must be a redis:// or rediss:// URL')
  }
  return new Redis(url, { ...recommendedRedisOptions, ...options })
}
