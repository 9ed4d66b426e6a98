import type { BenchSettings } from './settings.js'
import { progress } from './watchdog.js'

/** One thing measured: `run(i)` is one operation; `i` counts from 0 within a round. */
export interface BenchCase {
  name: string
  /** Untimed, before every round (including warm-up): fresh stores, rewound pools. */
  setup?: () => void | Promise<void>
  run: (index: number) => unknown
  /** Most operations in one round (the size of a pool of single-use proofs). */
  maxOps?: number
  /** Operations one `run` performs (several concurrent callers in one call). @default 1 */
  opsPerRun?: number
}

export interface CaseResult {
  name: string
  /** Median operations per second over the rounds. */
  median: number
  /** Operations per second of each round. */
  rounds: number[]
  /** Operations in the smallest round: shows when a pool, not time, ended a round. */
  fewestOps: number
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | undefined)?.then === 'function'
}

async function timeRound(
  benchCase: BenchCase,
  milliseconds: number,
): Promise<{ opsPerSecond: number; ops: number }> {
  await benchCase.setup?.()
  // Collect what setup left behind (a replaced store of a million entries) before the clock starts.
  globalThis.gc?.()
  const limit = benchCase.maxOps ?? Number.POSITIVE_INFINITY
  const budget = BigInt(Math.round(milliseconds * 1e6))
  let ops = 0
  const start = process.hrtime.bigint()
  let elapsed = 0n
  // Check the clock every few operations so the clock does not dominate sub-microsecond operations.
  while (elapsed < budget && ops < limit) {
    const chunk = Math.min(32, limit - ops)
    for (let k = 0; k < chunk; k++) {
      const result = benchCase.run(ops++)
      if (isPromise(result)) await result
    }
    elapsed = process.hrtime.bigint() - start
  }
  const perRun = benchCase.opsPerRun ?? 1
  return { opsPerSecond: (ops * perRun) / (Number(elapsed) / 1e9), ops: ops * perRun }
}

/**
 * Runs the cases side by side: every round measures every case once, in a rotated order, so drift in
 * the machine's load touches all of them alike. One untimed warm-up round first.
 */
export async function measureGroup(
  cases: readonly BenchCase[],
  settings: BenchSettings,
): Promise<Map<string, CaseResult>> {
  for (const benchCase of cases) {
    await timeRound(benchCase, Math.min(300, settings.roundMilliseconds / 2))
    progress(`warm-up of ${benchCase.name}`)
  }
  const perCase = new Map<string, { rounds: number[]; fewestOps: number }>(
    cases.map((benchCase) => [benchCase.name, { rounds: [], fewestOps: Number.POSITIVE_INFINITY }]),
  )
  for (let round = 0; round < settings.rounds; round++) {
    if (process.env.BENCH_VERBOSE !== undefined) console.error(`  round ${round + 1}/${settings.rounds}`)
    for (let k = 0; k < cases.length; k++) {
      const benchCase = cases[(k + round) % cases.length] as BenchCase
      const { opsPerSecond, ops } = await timeRound(benchCase, settings.roundMilliseconds)
      const entry = perCase.get(benchCase.name)!
      entry.rounds.push(opsPerSecond)
      entry.fewestOps = Math.min(entry.fewestOps, ops)
      progress(`round ${round + 1} of ${benchCase.name}`)
    }
  }
  return new Map(
    [...perCase].map(([name, { rounds, fewestOps }]) => [
      name,
      { name, median: median(rounds), rounds, fewestOps },
    ]),
  )
}
