import { spawn } from 'node:child_process'
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
  const perVariant = new Map<string, { runs: LoadResult[] }>(variants.map((v) => [v.name, { runs: [] }]))
  for (let round = 0; round < settings.httpRounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(k + round) % variants.length] as LoadVariant
      perVariant.get(variant.name)!.runs.push(await runLoad(variant.job(amounts.get(variant.name)!)))
    }
  }
  return new Map(
    [...perVariant].map(([name, { runs }]) => {
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
        },
      ]
    }),
  )
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
  const notes = [note, failures].filter((text) => text !== undefined)
  if (notes.length > 0) row.note = notes.join('; ')
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
