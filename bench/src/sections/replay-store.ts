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

/** The parts of `count` replay keys, as verifyProof hands them to an in-process store: thumbprint and jti. */
function replayKeyParts(count: number): { thumbprints: string[]; jtis: string[] } {
  const clients = Array.from({ length: CLIENTS }, () => randomBytes(32).toString('base64url'))
  const bytes = randomBytes(count * 16)
  return {
    thumbprints: Array.from({ length: count }, (_, i) => clients[i % CLIENTS] as string),
    jtis: Array.from({ length: count }, (_, i) => bytes.toString('base64url', i * 16, i * 16 + 16)),
  }
}

/** Section 4: reservations per second and memory, measured in a child with `--expose-gc`. */
export async function runReplayStore(settings: BenchSettings): Promise<SectionResult[]> {
  const section: SectionResult = { id: 'replay-store', title: '4. Memory replay store', rows: [] }
  const count = settings.quick ? 100_000 : 1_000_000
  const keys = replayKeys(count)
  const parts = replayKeyParts(count)
  let store: MemoryReplayStore = createMemoryReplayStore()
  const expiresAt = Date.now() + 3_600_000
  const bySync = 'createMemoryReplayStore().reserveProofSync(thumbprint, jti), new keys'
  const byKey = 'createMemoryReplayStore().reserve(`<thumbprint>.<jti>`), new keys'
  const setup = () => {
    store = createMemoryReplayStore({ maxEntries: 2_000_000 })
  }
  // The baseline: what a store written the obvious way does, a Map from key string to expiry.
  const byMap = 'Map<string, number> get + set of `<thumbprint>.<jti>`, new keys (baseline)'
  let map = new Map<string, number>()
  console.error('[replay-store] reserve')
  const results = await measureGroup(
    [
      {
        name: byMap,
        setup: () => {
          map = new Map()
        },
        run: (i) => {
          const key = `${parts.thumbprints[i] as string}.${parts.jtis[i] as string}`
          const held = map.get(key)
          if (held !== undefined && held > Date.now()) return false
          map.set(key, expiresAt)
          return true
        },
        maxOps: count,
      },
      {
        name: bySync,
        setup,
        run: (i) =>
          store.reserveProofSync(parts.thumbprints[i] as string, parts.jtis[i] as string, expiresAt),
        maxOps: count,
      },
      { name: byKey, setup, run: (i) => store.reserve(keys[i] as string, expiresAt), maxOps: count },
    ],
    settings,
  )
  const baseline = results.get(byMap)!
  section.rows.push({
    name: byMap,
    value: baseline.median,
    unit: 'ops/s',
    rounds: baseline.rounds,
    note: 'unbounded, no expiry sweep, the key built per proof as a string-keyed store must',
  })
  for (const [name, note] of [
    [bySync, 'as verifyProof reserves: synchronous, no key string built'],
    [byKey, 'the ReplayStore API for any caller: the key built beforehand, awaited one at a time'],
  ] as const) {
    const result = results.get(name)!
    const ratio = result.median / baseline.median
    section.rows.push({
      name,
      value: result.median,
      unit: 'ops/s',
      rounds: result.rounds,
      baseline: byMap,
      ratio,
      // The verifyProof path must beat the obvious store; the string API is informational.
      ...(name === bySync ? { bar: { kind: 'ratio' as const, target: 1, met: ratio >= 1 } } : {}),
      note: `${note}; a round holds at most ${count.toLocaleString('en-US')} keys`,
    })
  }
  keys.length = 0
  parts.thumbprints.length = 0
  parts.jtis.length = 0

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
      note: `${report.bytesPerEntry.toFixed(0)} bytes per entry (16-byte slot of thumbprint and jti, kind, expiry, index), V8 heap and typed-array backing stores`,
    },
  ]
  const steadyText = report.steadyEntries.toLocaleString('en-US')
  for (const [name, value, baseline, note] of [
    [
      `reserve while filling a store of maxEntries ${steadyText}`,
      report.fillingOpsPerSecond,
      report.mapFillingOpsPerSecond,
      'one run, in the memory child; keys made with the clock stopped',
    ],
    [
      `reserve once full, oldest entry expiring (maxEntries ${steadyText})`,
      report.steadyOpsPerSecond,
      report.mapSteadyOpsPerSecond,
      'one run, in the memory child, keys made with the clock stopped: the steady state of a busy server',
    ],
  ] as const) {
    const mapName = `${name}: a bounded Map (baseline)`
    rows.push({
      name: mapName,
      value: baseline,
      unit: 'ops/s',
      note: 'the same inserts, a Map from key to expiry dropping its oldest entry once expired',
    })
    const ratio = value / baseline
    rows.push({
      name,
      value,
      unit: 'ops/s',
      baseline: mapName,
      ratio,
      bar: { kind: 'ratio', target: 1, met: ratio >= 1 },
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
