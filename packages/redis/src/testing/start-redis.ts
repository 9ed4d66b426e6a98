import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, Socket } from 'node:net'
import { requireProgram } from '../../../../test-prerequisites.js'

export interface StartedRedis {
  url: string
  port: number
  /** Stops the server by its PID and waits for it to exit (SIGTERM lets Redis flush its AOF). */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port and directory. */
  restart(): Promise<void>
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the process: connections stay open, nothing answers. */
  pause(): void
  resume(): void
}

export interface StartRedisOptions {
  /** Extra `redis-server` arguments, e.g. `['--appendonly', 'yes', '--dir', dir]`. @default no persistence */
  args?: readonly string[]
  /** A config file, passed first (`redis-server <config> …`): Sentinel needs one it can rewrite. */
  config?: string
  /**
   * A command `redis-server` is started through, which then becomes it (same PID, so signals reach Redis),
   * e.g. `['taskset', '-c', '1']` to pin it to CPU 1. @default none
   */
  launcher?: readonly string[]
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** One raw PING over TCP; true on `+PONG`. */
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

/** Starts `redis-server` on a free loopback port without persistence (unless `args` ask for it). */
export async function startRedis(options: StartRedisOptions = {}): Promise<StartedRedis> {
  requireProgram('redis-server')
  const port = await freePort()
  const args = [
    ...(options.config === undefined ? [] : [options.config]),
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    ...(options.args ?? []),
  ]
  let child: ChildProcess | undefined
  const killOnExit = () => child?.kill('SIGKILL')
  process.once('exit', killOnExit)

  async function start(): Promise<void> {
    const [command, ...rest] = [...(options.launcher ?? []), 'redis-server', ...args] as [string, ...string[]]
    const started = spawn(command, rest, { stdio: ['ignore', 'ignore', 'pipe'] })
    child = started
    let exited = false
    started.once('exit', () => {
      exited = true
    })
    started.once('error', () => {
      exited = true // not started: no redis-server (or launcher) to run
    })
    for (let attempt = 0; attempt < 100; attempt++) {
      if (exited) throw new Error('redis-server exited at startup (is the redis-server package installed?)')
      if (await ping(port)) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    started.kill('SIGKILL')
    throw new Error('redis-server did not answer PING')
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGCONT') // a paused server cannot handle SIGTERM
    running.kill(signal)
    await exited
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    async restart() {
      await stop()
      await start()
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  }
}

/** Resolves once an ioredis client can take commands (with `enableOfflineQueue: false` it must be ready). */
export async function waitReady(client: {
  status: string
  once(event: 'ready', listener: () => void): unknown
}) {
  if (client.status === 'ready') return
  await new Promise<void>((resolve) => client.once('ready', resolve))
}
