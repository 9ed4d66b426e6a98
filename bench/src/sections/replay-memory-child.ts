// Run with --expose-gc: `node --expose-gc replay-memory-child.js <live> <maxEntries>` (compiled). Prints JSON.
import { randomBytes } from 'node:crypto'
import { createMemoryReplayStore } from '@dpop/core'

export interface MemoryReport {
  liveMegabytes: number
  bytesPerEntry: number
  /** `maxEntries` of the steady-state store. */
  steadyEntries: number
  /** Memory once the store is full of expiring entries, and as twice as many were inserted. */
  checkpoints: { inserted: number; size: number; megabytes: number }[]
  /** Reservations per second while filling the store, and once full with the oldest entry expiring. */
  fillingOpsPerSecond: number
  steadyOpsPerSecond: number
}

const megabytes = (bytes: number) => bytes / 1024 / 1024

// heapUsed alone misses typed arrays: their backing stores live outside the V8 heap, in arrayBuffers.
function memoryUsed(): number {
  for (let i = 0; i < 3; i++) globalThis.gc!()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

/** A new key as verifyProof makes it: `<thumbprint>.<jti>`, the thumbprint one of 1,000, base64url. */
function keyFactory(): () => string {
  const thumbprints = Array.from({ length: 1000 }, () => randomBytes(32).toString('base64url'))
  let bytes = randomBytes(16 * 4096)
  let offset = bytes.length
  let made = 0
  return () => {
    if (offset === bytes.length) {
      bytes = randomBytes(16 * 4096)
      offset = 0
    }
    offset += 16
    return `${thumbprints[made++ % 1000]}.${bytes.toString('base64url', offset - 16, offset)}`
  }
}

async function main(): Promise<void> {
  if (globalThis.gc === undefined) throw new Error('run with --expose-gc')
  const entries = Number(process.argv[2] ?? 1_000_000)
  const nextKey = keyFactory()

  // Live entries: nothing expires during the measurement.
  let before = memoryUsed()
  let store = createMemoryReplayStore({ maxEntries: entries })
  const expiresAt = Date.now() + 3_600_000
  for (let i = 0; i < entries; i++) {
    if (!(await store.reserve(nextKey(), expiresAt))) throw new Error('unexpected replay')
  }
  const live = memoryUsed() - before
  if (store.size !== entries) throw new Error(`store holds ${store.size} entries`)
  store = undefined!

  // Steady state: each entry lives exactly `steadyEntries` ticks of a fake clock, so the store is full at
  // `steadyEntries` inserts and every later insert finds the oldest entry expired.
  const steadyEntries = Number(process.argv[3] ?? entries)
  let tick = 0
  before = memoryUsed()
  const steady = createMemoryReplayStore({ maxEntries: steadyEntries, now: () => tick })
  const checkpoints: MemoryReport['checkpoints'] = []
  let filling = 0
  let full = 0
  // Keys are made in batches with the clock stopped: making one (~150 ns) is not part of a reservation.
  // A consumed key is dropped from the batch, so memory checkpoints see only what the store keeps.
  const batch: string[] = []
  let inserted = 0
  while (inserted < 2 * steadyEntries) {
    const size = Math.min(4096, 2 * steadyEntries - inserted)
    for (let k = 0; k < size; k++) batch[k] = nextKey()
    let start = performance.now()
    // Time since `start` goes to the phase of the last insert: a phase boundary is also a checkpoint.
    const stop = () => {
      const elapsed = performance.now() - start
      if (inserted <= steadyEntries) filling += elapsed
      else full += elapsed
    }
    for (let k = 0; k < size; k++) {
      inserted++
      tick = inserted
      if (!(await steady.reserve(batch[k] as string, inserted + steadyEntries)))
        throw new Error('unexpected replay')
      batch[k] = ''
      if (inserted >= steadyEntries && inserted % (steadyEntries / 4) === 0) {
        stop()
        checkpoints.push({ inserted, size: steady.size, megabytes: megabytes(memoryUsed() - before) })
        start = performance.now()
      }
    }
    stop()
  }
  const report: MemoryReport = {
    liveMegabytes: megabytes(live),
    bytesPerEntry: live / entries,
    steadyEntries,
    checkpoints,
    fillingOpsPerSecond: steadyEntries / (filling / 1000),
    steadyOpsPerSecond: steadyEntries / (full / 1000),
  }
  process.stdout.write(JSON.stringify(report))
}

await main()
