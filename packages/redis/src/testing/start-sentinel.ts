import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { type StartedRedis, startRedis } from './start-redis.js'
import { waitFor } from './wait-for.js'

export interface StartedSentinel {
  /** The name Sentinel monitors the master under, for `new Redis({ sentinels, name })`. */
  name: string
  sentinels: { host: string; port: number }[]
  master: StartedRedis
  replica: StartedRedis
  sentinel: StartedRedis
  /** The port Sentinel currently names as the master (`SENTINEL GET-MASTER-ADDR-BY-NAME`). */
  masterPort(): Promise<number>
  /** Stops every process (those already killed are skipped) and removes the temporary directory. */
  stop(): Promise<void>
}

/** Sends one command to the server on `port` over a connection of its own, which never retries. */
export async function command(port: number, ...args: (string | number)[]): Promise<unknown> {
  const connection = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  connection.on('error', () => {}) // the rejected command reports it
  try {
    await connection.connect()
    return await connection.call(String(args[0]), ...args.slice(1))
  } finally {
    connection.disconnect()
  }
}

/** `SENTINEL REPLICAS` answers each replica as a flat `[field, value, …]` list. */
function fields(reply: unknown): Map<string, string>[] {
  if (!Array.isArray(reply)) return []
  return reply.map(
    (flat: string[]) => new Map(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1] ?? '']] : []))),
  )
}

/**
 * Starts a master, one replica of it and one Sentinel monitoring them (quorum 1) on free loopback ports,
 * with a 1 s `down-after-milliseconds` so that a killed master is replaced within seconds. Resolves once
 * the replica is in sync and Sentinel counts it as a healthy candidate for promotion.
 */
export async function startSentinel(name = 'dpop'): Promise<StartedSentinel> {
  const directory = mkdtempSync(join(tmpdir(), 'dpop-redis-sentinel-'))
  const started: StartedRedis[] = []
  const stop = async () => {
    for (const server of started.reverse()) await server.stop('SIGKILL')
    rmSync(directory, { recursive: true, force: true })
  }
  try {
    // A replica saves the copy it syncs (and a demoted master its resync) as an RDB file: keep it in here.
    const files = (role: string) => ['--dir', directory, '--dbfilename', `${role}.rdb`]
    const master = await startRedis({ args: files('master') })
    started.push(master)
    const replica = await startRedis({
      args: [...files('replica'), '--replicaof', '127.0.0.1', String(master.port)],
    })
    started.push(replica)
    await waitFor('the replica to sync with the master', async () =>
      String(await command(replica.port, 'INFO', 'replication')).includes('master_link_status:up'),
    )

    const config = join(directory, 'sentinel.conf')
    writeFileSync(
      config,
      [
        `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        '',
      ].join('\n'),
    )
    const sentinel = await startRedis({ config, args: ['--dir', directory, '--sentinel'] })
    started.push(sentinel)
    // Sentinel learns of the replica from the master's INFO; until then a failover has no candidate.
    await waitFor('Sentinel to see the replica as healthy', async () =>
      fields(await command(sentinel.port, 'SENTINEL', 'REPLICAS', name)).some(
        (entry) =>
          entry.get('port') === String(replica.port) &&
          entry.get('flags') === 'slave' &&
          entry.get('master-link-status') === 'ok',
      ),
    )

    return {
      name,
      sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
      master,
      replica,
      sentinel,
      async masterPort() {
        const reply = await command(sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)
        return Array.isArray(reply) ? Number(reply[1]) : Number.NaN
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
