import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer, Socket } from 'node:net'
import { cpus } from 'node:os'
import { hasTaskset } from './machine.js'

export interface RunningRedis {
  url: string
  /** Where it runs: `redis-server` pinned to CPU 1 (off the benchmark's CPU) when the machine has two. */
  placement: string
  stop(): Promise<void>
}

/** Whether `redis-server` can be started here (it is an external program, not an npm package). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
  })
}

/**
 * Starts a `redis-server` of the benchmark's own on a free loopback port, without persistence. It is stopped by
 * `stop()`, and killed when this process exits in any way (the watchdog kills the whole process group).
 */
export async function startRedisServer(): Promise<RunningRedis> {
  const port = await freeLoopbackPort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const offCpu = cpus().length > 1 && hasTaskset()
  const command = offCpu ? ['taskset', '-c', '1', 'redis-server', ...args] : ['redis-server', ...args]
  const child: ChildProcess = spawn(command[0] as string, command.slice(1), { stdio: 'ignore' })
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  for (let attempt = 0; !(await ping(port)); attempt++) {
    if (exited || attempt > 100) {
      kill()
      throw new Error('redis-server did not start')
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    placement: offCpu ? 'redis-server on CPU 1' : 'redis-server on the same CPU',
    stop: async () => {
      process.off('exit', kill)
      if (exited) return
      const done = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await done
    },
  }
}
