// A stalled benchmark must fail with a message, never wait forever. The benchmark runs in a child process
// (pinned with taskset when possible); the parent watches it. The child reports progress (a round measured,
// a pool built, a section started) over IPC, and a heartbeat every second from a timer: a missing heartbeat
// means its main thread is blocked, missing progress means a section is stuck waiting. Either way the parent
// kills the child's whole process group (load generators, redis-server) and names the section.
import { type ChildProcess, spawn } from 'node:child_process'

export interface WatchdogLimits {
  /** Longest silence of the heartbeat, in seconds: the event loop is blocked. */
  heartbeatSeconds: number
  /** Longest time without progress, in seconds: a section is waiting on something that never comes. */
  progressSeconds: number
}

type Message = { type: 'alive' } | { type: 'progress'; section: string; step: string }

let currentSection = 'start-up'

/** In the child: tell the watchdog that `step` of `section` (or of the current section) was reached. */
export function progress(step: string, section?: string): void {
  if (section !== undefined) currentSection = section
  process.send?.({ type: 'progress', section: currentSection, step } satisfies Message)
}

/** In the child: a heartbeat that only a running event loop sends. */
export function startHeartbeat(): void {
  if (process.send === undefined) return
  const timer = setInterval(() => process.send?.({ type: 'alive' } satisfies Message), 1000)
  timer.unref()
  // Disconnect at exit so a finished child is not kept alive by the IPC channel.
  process.once('beforeExit', () => process.disconnect?.())
}

/** Whether this process was started by `runWatched` (it then reports progress instead of watching). */
export function isWatched(): boolean {
  return process.send !== undefined
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
}

/**
 * Runs `command` as a watched child in its own process group and resolves with its exit code; on a stall it
 * prints why, kills the group and resolves with 1.
 */
export function runWatched(command: readonly string[], limits: WatchdogLimits): Promise<number> {
  const child = spawn(command[0] as string, command.slice(1), {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  })
  let lastHeartbeat = Date.now()
  let lastProgress = Date.now()
  let where = { section: 'start-up', step: 'starting' }
  child.on('message', (message: Message) => {
    lastHeartbeat = Date.now()
    if (message.type === 'progress') {
      lastProgress = Date.now()
      where = { section: message.section, step: message.step }
    }
  })
  // Ctrl-C or a kill of this process must not leave the benchmark (or its redis-server) running.
  const forward = () => killGroup(child)
  process.once('SIGINT', forward)
  process.once('SIGTERM', forward)
  return new Promise((resolve) => {
    let stalled = false
    const timer = setInterval(() => {
      const now = Date.now()
      const blocked = (now - lastHeartbeat) / 1000 > limits.heartbeatSeconds
      const stuck = (now - lastProgress) / 1000 > limits.progressSeconds
      if (!blocked && !stuck) return
      stalled = true
      const seconds = Math.round((now - (blocked ? lastHeartbeat : lastProgress)) / 1000)
      console.error(
        `[bench] stalled: section "${where.section}" (last step: ${where.step}) ${
          blocked
            ? `has not run its event loop for ${seconds} s (main thread blocked)`
            : `made no progress for ${seconds} s`
        }; stopped it. Rerun it alone with \`pnpm --filter bench bench -- --only=${where.section}\`.`,
      )
      killGroup(child)
    }, 1000)
    child.on('exit', (code, signal) => {
      clearInterval(timer)
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolve(stalled ? 1 : (code ?? (signal === null ? 1 : 128)))
    })
  })
}
