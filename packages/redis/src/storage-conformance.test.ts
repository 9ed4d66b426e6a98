import { randomUUID } from 'node:crypto'
import { createMemoryStorage } from '@dpop/server'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll } from 'vitest'
import { createRedisClient } from './create-redis-client.js'
import { createRedisStorage } from './create-redis-storage.js'
import { describeStorageConformance } from './testing/describe-storage-conformance.js'
import { type StartedRedis, startRedis, waitReady } from './testing/start-redis.js'

let redis: StartedRedis
let client: Redis

beforeAll(async () => {
  redis = await startRedis()
  client = createRedisClient(redis.url)
  await waitReady(client)
})

afterAll(async () => {
  client?.disconnect()
  await redis?.stop()
})

describeStorageConformance('createMemoryStorage', () => createMemoryStorage())
describeStorageConformance('createRedisStorage', () =>
  createRedisStorage(client, { prefix: `conformance-${randomUUID()}:` }),
)
