import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import Redis from 'ioredis'
import { requireProgram } from '../../../test-prerequisites.js'

export interface RedisServer {
  url: string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}

/** Starts a throwaway `redis-server` on a free loopback port, without persistence (tests only). */
export async function startRedisServer(): Promise<RedisServer> {
  requireProgram('redis-server')
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const url = `redis://127.0.0.1:${port}`
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  // Refused connections until the server is up are expected; connect() rejects with them.
  probe.on('error', () => undefined)
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect()
        await probe.ping()
        break
      } catch (error) {
        if (attempt >= 50 || child.exitCode !== null) throw error
        probe.disconnect()
        await delay(100)
      }
    }
  } finally {
    probe.disconnect()
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}
