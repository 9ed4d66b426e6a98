export { createRedisClient, recommendedRedisOptions } from './create-redis-client.js'
export { createRedisReplayStore, type RedisReplayStoreOptions } from './create-redis-replay-store.js'
export { createRedisStorage, type RedisStorageOptions } from './create-redis-storage.js'
export type { RedisConnection } from './redis-connection.js'
