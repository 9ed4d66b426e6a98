import type { Cluster, Redis } from 'ioredis'

/** An ioredis client: a single Redis, a Sentinel-managed one (`new Redis({ sentinels, name })`) or a Cluster. */
export type RedisConnection = Redis | Cluster

/** The one method the stores use, shared by `Redis` and `Cluster` (their typed helpers differ in overloads). */
export interface RedisCaller {
  call(command: string, ...args: (string | number)[]): Promise<unknown>
}

export function asCaller(redis: RedisConnection): RedisCaller {
  if (typeof redis?.call !== 'function')
    throw new TypeError('an ioredis client (Redis or Cluster) is required')
  return redis as unknown as RedisCaller
}
