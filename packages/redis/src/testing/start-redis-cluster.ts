import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { type StartedRedis, startRedis } from './start-redis.js'
import { waitFor } from './wait-for.js'

export interface StartedRedisCluster {
  /** Masters first (`masters` of them), then their replicas: node `masters + i` replicates master `i`. */
  nodes: StartedRedis[]
  /** A plain connection to node `i`, for CLUSTER and INFO commands. */
  admin(i: number): Redis
  stop(): Promise<void>
}

const SLOTS = 16384

/**
 * `redis-server` arguments of a Cluster node announcing itself on loopback and keeping its files in
 * `directory`; `nodeTimeout` (ms) is `cluster-node-timeout` (Redis's default 15 s when not given).
 */
export function clusterNodeArguments(directory: string, nodeTimeout?: number): string[] {
  return [
    '--cluster-enabled',
    'yes',
    '--cluster-announce-ip',
    '127.0.0.1',
    '--cluster-config-file',
    join(directory, 'nodes.conf'),
    ...(nodeTimeout === undefined ? [] : ['--cluster-node-timeout', String(nodeTimeout)]),
    '--dir',
    directory,
  ]
}

/**
 * Starts a Redis Cluster of real `redis-server` processes on free loopback ports, without persistence:
 * `masters` masters sharing the slots, each with one replica. `cluster-node-timeout` is short so that a
 * failover settles in seconds.
 */
export async function startRedisCluster(masters = 3): Promise<StartedRedisCluster> {
  const directory = mkdtempSync(join(tmpdir(), 'dpop-redis-cluster-'))
  const nodes: StartedRedis[] = []
  const admins: Redis[] = []
  const stop = async () => {
    for (const admin of admins) admin.disconnect()
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')))
    rmSync(directory, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < masters * 2; i++) {
      const dir = join(directory, String(i))
      mkdirSync(dir)
      nodes.push(await startRedis({ args: clusterNodeArguments(dir, 1000) }))
      const admin = new Redis((nodes[i] as StartedRedis).port, '127.0.0.1', { maxRetriesPerRequest: 1 })
      admin.on('error', () => {}) // a node the test kills
      admins.push(admin)
    }
    const admin = (i: number) => admins[i] as Redis
    const perMaster = Math.floor(SLOTS / masters)
    for (let m = 0; m < masters; m++) {
      const last = m === masters - 1 ? SLOTS - 1 : (m + 1) * perMaster - 1
      await admin(m).call('CLUSTER', 'ADDSLOTSRANGE', String(m * perMaster), String(last))
    }
    for (const node of nodes.slice(1)) await admin(0).call('CLUSTER', 'MEET', '127.0.0.1', String(node.port))
    const ids = await Promise.all(admins.map(async (a) => String(await a.call('CLUSTER', 'MYID'))))
    await waitFor('every node to know every other', async () => {
      for (const a of admins) {
        const known = String(await a.call('CLUSTER', 'NODES'))
        if (!ids.every((id) => known.includes(id))) return false
      }
      return true
    })
    for (let m = 0; m < masters; m++) await admin(masters + m).call('CLUSTER', 'REPLICATE', ids[m] as string)
    await waitFor('the cluster to be up, every replica in sync', async () => {
      for (const [i, a] of admins.entries()) {
        if (!String(await a.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) return false
        if (i >= masters && !String(await a.call('INFO', 'replication')).includes('master_link_status:up'))
          return false
      }
      return true
    })
    return { nodes, admin, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
