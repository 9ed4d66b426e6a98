/**
 * Redis (ioredis) storage shared by every instance of a deployment: a DPoP replay store and the authorization
 * server's storage. Both fail closed when Redis cannot answer.
 *
 * @packageDocumentation
 * @module @dpop/redis
 */
export { createRedisClient, recommendedRedisOptions } from './create-redis-client.js'
export { createRedisReplayStore, type RedisReplayStoreOptions } from './create-redis-replay-store.js'
export { createRedisStorage, type RedisStorageOptions } from './create-redis-storage.js'
export type { RedisConnection } from './redis-connection.js'
