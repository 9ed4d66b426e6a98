import { randomBytes } from 'node:crypto'
import { createMemoryReplayStore, type MemoryReplayStore } from '@dpop/core'
import { measureGroup } from '../measure.js'
import type { ResultRow, SectionResult } from '../report.js'
import { runScript } from '../run-script.js'
import type { BenchSettings } from '../settings.js'
import type { MemoryReport } from './replay-memory-child.js'

/** Thumbprints of the clients that make the replay keys of the benchmarks. */
export const CLIENTS = 1000

/**
 * Replay keys as verifyProof makes them: `<thumbprint>.<jti>`, a 32-byte thumbprint of one of `CLIENTS` keys
 * and a 128-bit jti, base64url (66 characters), built by concatenation as verifyProof builds them.
 */
export function replayKeys(count: number): string[] {
  const thumbprints = Array.from({ length: CLIENTS }, () => randomBytes(32).toString('base64url'))
  const bytes = randomBytes(count * 16)
  return Array.from(
    { length: count },
    (_, i) => `${thumbprints[i % CLIENTS]}.${bytes.toString('base64url', i * 16, i * 16 + 16)}`,
  )
}

/** Section 4: reservations per second and memory, measured in a child with `--expose-gc`. */
export async function runReplayStore(settings: BenchSettings): Promise<SectionResult[]> {
  const section: SectionResult = { id: 'replay-store', title: '4. Memory replay store', rows: [] }
  const keys = replayKeys(settings.quick ? 100_000 : 1_000_000)
  let store: MemoryReplayStore = createMemoryReplayStore()
  const expiresAt = Date.now() + 3_600_000
  const name = 'createMemoryReplayStore().reserve, new keys'
  console.error('[replay-store] reserve')
  const results = await measureGroup(
    [
      {
        name,
        setup: () => {
          store = createMemoryReplayStore({ maxEntries: 2_000_000 })
        },
        run: (i) => store.reserve(keys[i] as string, expiresAt),
        maxOps: keys.length,
      },
    ],
    settings,
  )
  const reserve = results.get(name)!
  section.rows.push({
    name,
    value: reserve.median,
    unit: 'ops/s',
    rounds: reserve.rounds,
    bar: { kind: 'min', target: 1_000_000, met: reserve.median >= 1_000_000 },
    note: `awaited one at a time; a round holds at most ${keys.length.toLocaleString('en-US')} keys`,
  })
  keys.length = 0

  console.error('[replay-store] memory (child process)')
  const stdout = await runScript(
    'sections/replay-memory-child.js',
    [String(settings.memoryEntries), String(settings.steadyEntries)],
    ['--expose-gc'],
  )
  const report = JSON.parse(stdout) as MemoryReport
  const entries = settings.memoryEntries.toLocaleString('en-US')
  const rows: ResultRow[] = [
    {
      name: `heapUsed + arrayBuffers of ${entries} live entries`,
      value: report.liveMegabytes,
      unit: 'MB',
      // The 120 MB target is for 1,000,000 entries; scaled for a quick run.
      bar: {
        kind: 'max',
        target: (120 * settings.memoryEntries) / 1_000_000,
        met: report.liveMegabytes <= (120 * settings.memoryEntries) / 1_000_000,
      },
      note: `${report.bytesPerEntry.toFixed(0)} bytes per entry (66-character key of thumbprint and jti, expiry), V8 heap and typed-array backing stores`,
    },
  ]
  const steadyText = report.steadyEntries.toLocaleString('en-US')
  for (const [name, value, note] of [
    [
      `reserve while filling a store of maxEntries ${steadyText}`,
      report.fillingOpsPerSecond,
      'one run, in the memory child; keys made with the clock stopped',
    ],
    [
      `reserve once full, oldest entry expiring (maxEntries ${steadyText})`,
      report.steadyOpsPerSecond,
      'one run, in the memory child, keys made with the clock stopped: the steady state of a busy server',
    ],
  ] as const) {
    rows.push({
      name,
      value,
      unit: 'ops/s',
      bar: { kind: 'min', target: 1_000_000, met: value >= 1_000_000 },
      note,
    })
  }
  const first = report.checkpoints[0]!
  for (const checkpoint of report.checkpoints) {
    const row: ResultRow = {
      name: `maxEntries ${steadyText}, after ${checkpoint.inserted.toLocaleString('en-US')} expiring inserts`,
      value: checkpoint.megabytes,
      unit: 'MB',
      note: `${checkpoint.size.toLocaleString('en-US')} entries held; heapUsed + arrayBuffers`,
    }
    if (checkpoint !== first) {
      row.baseline = `after ${first.inserted.toLocaleString('en-US')}`
      row.ratio = checkpoint.megabytes / first.megabytes
      // Flat: the memory at twice maxEntries inserts stays within 10% of the memory when the store filled.
      if (checkpoint === report.checkpoints.at(-1)) {
        row.bar = { kind: 'max-ratio', target: 1.1, met: row.ratio <= 1.1 }
      }
    }
    rows.push(row)
  }
  section.rows.push(...rows)
  return [section]
}
