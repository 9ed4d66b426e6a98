import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recommendedRedisOptions } from './create-redis-client.js'
import { createRedisReplayStore } from './create-redis-replay-store.js'
import { createRedisStorage } from './create-redis-storage.js'
import { describeStorageConformance } from './testing/describe-storage-conformance.js'
import { type StartedRedis, startRedis, waitReady } from './testing/start-redis.js'
import { clusterNodeArguments } from './testing/start-redis-cluster.js'

// A one-node Redis Cluster owning every slot still refuses a script or command whose keys span several
// slots (CROSSSLOT), so it checks that every atomic step stays within one hash tag.
let directory: string
let redis: StartedRedis
let cluster: Cluster

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'dpop-redis-cluster-'))
  redis = await startRedis({ args: clusterNodeArguments(directory) })
  const admin = new Redis(redis.port, '127.0.0.1')
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')
  for (let attempt = 0; attempt < 200; attempt++) {
    if (String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  admin.disconnect()
  cluster = new Cluster([{ host: '127.0.0.1', port: redis.port }], {
    redisOptions: { ...recommendedRedisOptions },
    enableOfflineQueue: false,
  })
  await waitReady(cluster)
})

afterAll(async () => {
  cluster?.disconnect()
  await redis?.stop()
  rmSync(directory, { recursive: true, force: true })
})

describeStorageConformance('createRedisStorage on Redis Cluster', () =>
  createRedisStorage(cluster, { prefix: `cluster-${randomUUID()}:` }),
)

describe('Redis Cluster', () => {
  it('reserves a proof once with the replay store', async () => {
    const store = createRedisReplayStore(cluster)
    const expiresAt = Date.now() + 60_000
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.reserve('cluster-key', expiresAt)),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('refuses a script over keys of two slots (the check the hash tags pass)', async () => {
    await expect(
      cluster.call('EVAL', "return redis.call('MGET', KEYS[1], KEYS[2])", 2, 'a', 'b'),
    ).rejects.toThrow(/CROSSSLOT/)
  })
})
