import { randomBytes } from 'node:crypto'
import { isDPoPError } from '@dpop/core'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recommendedRedisOptions } from './create-redis-client.js'
import { createRedisReplayStore } from './create-redis-replay-store.js'
import { waitReady } from './testing/start-redis.js'
import { type StartedRedisCluster, startRedisCluster } from './testing/start-redis-cluster.js'
import { waitFor } from './testing/wait-for.js'

let cluster: StartedRedisCluster
let client: Cluster

beforeAll(async () => {
  cluster = await startRedisCluster(3)
  client = new Cluster(
    cluster.nodes.slice(0, 3).map((node) => ({ host: '127.0.0.1', port: node.port })),
    { redisOptions: { ...recommendedRedisOptions }, enableOfflineQueue: false, slotsRefreshInterval: 500 },
  )
  client.on('error', () => {}) // the master the test kills
  await waitReady(client)
}, 60_000)

afterAll(async () => {
  client?.disconnect()
  await cluster?.stop()
})

/** A key shaped as verifyProof makes them: one client's thumbprint and a fresh 128-bit jti. */
const thumbprint = randomBytes(32).toString('base64url')
const proofKey = () => `${thumbprint}.${randomBytes(16).toString('base64url')}`

type Outcome = 'reserved' | 'replay' | 'reset' | 'unavailable'

async function reserve(store: ReturnType<typeof createRedisReplayStore>, key: string, issuedAt: number) {
  return store.reserve(key, Date.now() + 120_000, issuedAt).then(
    (fresh): Outcome => (fresh ? 'reserved' : 'replay'),
    (error: unknown): Outcome => {
      if (isDPoPError(error) && error.reason === 'replay_store_reset') return 'reset'
      if (isDPoPError(error) && error.status === 503) return 'unavailable'
      throw error
    },
  )
}

describe('RFC 9449 §11.1 on a 3-master Redis Cluster with replicas, through a failover', () => {
  it('accepts no proof twice when a master fails over to a replica that missed its last writes, under load', async () => {
    const store = createRedisReplayStore(client)
    const accepted: { key: string; issuedAt: number }[] = []
    let running = true
    // Load: 8 callers reserving new proofs back to back for the whole test, failures included.
    const load = Array.from({ length: 8 }, async () => {
      while (running) {
        const key = proofKey()
        const issuedAt = Date.now()
        if ((await reserve(store, key, issuedAt)) === 'reserved') accepted.push({ key, issuedAt })
        else await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })
    const [master, replica] = [cluster.nodes[0], cluster.nodes[3]] as const
    await waitFor('some proofs accepted', () => accepted.length >= 200)
    // The replica stops receiving writes the master still acknowledges, which the failover then loses:
    // frozen, and its replication link cut, it cannot catch up before the master dies.
    replica?.pause()
    await cluster.admin(0).call('CLIENT', 'KILL', 'TYPE', 'replica')
    const beforeLoss = accepted.length
    await waitFor('proofs accepted while the replica is frozen', () => accepted.length >= beforeLoss + 300)
    await master?.stop('SIGKILL')
    replica?.resume()
    await cluster.admin(3).call('CLUSTER', 'FAILOVER', 'TAKEOVER')
    await waitFor(
      'the replica to serve as master',
      async () => String(await cluster.admin(3).call('ROLE')).startsWith('master'),
      { timeout: 30_000 },
    )
    const afterFailover = accepted.length
    await waitFor('proofs accepted after the failover', () => accepted.length >= afterFailover + 300, {
      timeout: 30_000,
    })
    running = false
    await Promise.all(load)

    // Every accepted proof, presented again: never reserved a second time.
    const replays: Outcome[] = []
    for (const { key, issuedAt } of accepted) {
      let outcome: Outcome = 'unavailable'
      for (let attempt = 0; attempt < 100 && outcome === 'unavailable'; attempt++) {
        outcome = await reserve(store, key, issuedAt)
        if (outcome === 'unavailable') await new Promise((resolve) => setTimeout(resolve, 50))
      }
      replays.push(outcome)
    }
    expect(replays.filter((outcome) => outcome === 'reserved')).toHaveLength(0)
    expect(replays.filter((outcome) => outcome === 'unavailable')).toHaveLength(0)
    // The writes the replica missed were found missing: their proofs are refused as possibly forgotten.
    expect(replays.filter((outcome) => outcome === 'reset').length).toBeGreaterThan(0)
  }, 120_000)
})
