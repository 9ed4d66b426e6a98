import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { LoadJob, LoadResult } from './load-child.js'
import { hasTaskset } from './machine.js'
import { median } from './measure.js'
import type { ResultRow } from './report.js'
import type { BenchSettings } from './settings.js'
import { progress } from './watchdog.js'

const LOAD_RUN_LIMIT_SECONDS = 60
const childPath = fileURLToPath(new URL('./load-child.js', import.meta.url))

/**
 * Runs one load job in a child process. The server stays on this process's CPU; the load generator is
 * pinned to another CPU when there is one, so it does not take the server's time.
 */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  const node = [process.execPath, childPath, JSON.stringify(job)]
  const command = cpus().length > 1 && hasTaskset() ? ['taskset', '-c', '1', ...node] : node
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    // A load run lasts seconds: one that has not finished in a minute is stuck (a server that stopped
    // answering), and is stopped with a message instead of waiting.
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(
          `load generator: ${job.amount} requests to ${job.url}${job.path} not done in ${LOAD_RUN_LIMIT_SECONDS} s`,
        ),
      )
    }, LOAD_RUN_LIMIT_SECONDS * 1000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      progress(`load run of ${job.amount} requests`)
      if (code !== 0) reject(new Error(`load generator exited with ${code}: ${stderr}`))
      else resolve(JSON.parse(stdout) as LoadResult)
    })
  })
}

export interface LoadVariant {
  name: string
  /** The job for `amount` requests. */
  job: (amount: number) => LoadJob
  /** The processes serving it, whose CPU time is counted. @default this process */
  servers?: readonly number[]
}

/**
 * Time the threads of `pids` have run on a CPU and have waited, runnable, for one (Linux `schedstat`), in
 * microseconds; `undefined` where /proc does not tell.
 */
function schedulerTimes(pids: readonly number[]): { cpu: number; waited: number } | undefined {
  try {
    let cpu = 0
    let waited = 0
    for (const pid of pids) {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        const [running, waiting] = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')
        cpu += Number(running) / 1000
        waited += Number(waiting) / 1000
      }
    }
    return Number.isFinite(cpu) && Number.isFinite(waited) ? { cpu, waited } : undefined
  } catch {
    return undefined
  }
}

export interface VariantResult {
  name: string
  median: number
  rounds: number[]
  p50: number
  p99: number
  /** Failed requests over all rounds, with their status codes. */
  failures: number
  statusCodes: Record<string, number>
  /**
   * Medians over the rounds, per successful request, in µs: the servers' CPU time, and the time their threads
   * waited for a CPU that others held (on a shared machine, what req/s alone cannot tell apart from cost).
   */
  server?: { cpu: number; waited: number }
}

/**
 * Variants side by side: a warm-up run each (which also sizes the rounds to ~`httpRoundSeconds`), then
 * rounds in rotated order. Every request carries its own proof, so rounds are sized by request count.
 */
export async function measureLoad(
  variants: readonly LoadVariant[],
  settings: BenchSettings,
): Promise<Map<string, VariantResult>> {
  const warmAmount = settings.quick ? 300 : 2000
  const amounts = new Map<string, number>()
  for (const variant of variants) {
    const warm = await runLoad(variant.job(warmAmount))
    if (warm.ok === 0) throw new Error(`${variant.name}: no successful request (${JSON.stringify(warm)})`)
    amounts.set(variant.name, Math.max(200, Math.ceil(warm.requestsPerSecond * settings.httpRoundSeconds)))
  }
  const perVariant = new Map<string, { runs: LoadResult[]; server: { cpu: number; waited: number }[] }>(
    variants.map((v) => [v.name, { runs: [], server: [] }]),
  )
  for (let round = 0; round < settings.httpRounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(k + round) % variants.length] as LoadVariant
      const measured = perVariant.get(variant.name)!
      const servers = variant.servers ?? [process.pid]
      const before = schedulerTimes(servers)
      const run = await runLoad(variant.job(amounts.get(variant.name)!))
      const after = schedulerTimes(servers)
      measured.runs.push(run)
      if (before !== undefined && after !== undefined && run.ok > 0) {
        measured.server.push({
          cpu: (after.cpu - before.cpu) / run.ok,
          waited: (after.waited - before.waited) / run.ok,
        })
      }
    }
  }
  return new Map(
    [...perVariant].map(([name, { runs, server }]) => {
      const statusCodes: Record<string, number> = {}
      for (const run of runs) {
        for (const [code, count] of Object.entries(run.statusCodes)) {
          statusCodes[code] = (statusCodes[code] ?? 0) + count
        }
      }
      return [
        name,
        {
          name,
          median: median(runs.map((run) => run.requestsPerSecond)),
          rounds: runs.map((run) => run.requestsPerSecond),
          p50: median(runs.map((run) => run.p50)),
          p99: median(runs.map((run) => run.p99)),
          failures: runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
          statusCodes,
          ...(server.length === runs.length
            ? {
                server: {
                  cpu: median(server.map((times) => times.cpu)),
                  waited: median(server.map((times) => times.waited)),
                },
              }
            : {}),
        },
      ]
    }),
  )
}

const microseconds = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/**
 * The server's CPU time and wait for a CPU per request; with a baseline, the CPU cost ratio (baseline CPU per
 * request over this one's: what req/s would show on a machine of one's own).
 */
function serverNote(result: VariantResult, baseline?: VariantResult): string | undefined {
  if (result.server === undefined) return undefined
  const { cpu, waited } = result.server
  const ratio =
    baseline?.server === undefined ? '' : `, ${(baseline.server.cpu / cpu).toFixed(2)}× by CPU per request`
  return `server ${microseconds.format(cpu)} µs CPU and ${microseconds.format(waited)} µs waiting for a CPU per request${ratio}`
}

/** A load row, compared with `baseline` when given; failed requests are named in the note. */
export function loadRow(
  result: VariantResult,
  baseline?: VariantResult,
  minRatio?: number,
  note?: string,
): ResultRow {
  const failures =
    result.failures > 0
      ? `${result.failures} failed requests (${Object.entries(result.statusCodes)
          .map(([code, count]) => `${code}: ${count}`)
          .join(', ')})`
      : undefined
  const row: ResultRow = {
    name: result.name,
    value: result.median,
    unit: 'req/s',
    rounds: result.rounds,
    latency: { p50: result.p50, p99: result.p99 },
  }
  const notes = [note, serverNote(result, baseline), failures].filter((text) => text !== undefined)
  if (notes.length > 0) row.note = notes.join('; ')
  if (result.server !== undefined) row.server = result.server
  if (baseline !== undefined) {
    row.baseline = baseline.name
    row.ratio = result.median / baseline.median
    if (minRatio !== undefined) row.bar = { kind: 'ratio', target: minRatio, met: row.ratio >= minRatio }
  }
  return row
}

export function settingsNote(settings: BenchSettings): string {
  return `${settings.connections} connections`
}
