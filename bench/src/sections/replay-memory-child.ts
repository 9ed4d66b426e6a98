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
  /** The same for the baseline, a bounded store on a `Map` (the oldest entry dropped when it has expired). */
  mapFillingOpsPerSecond: number
  mapSteadyOpsPerSecond: number
}

interface Reserving {
  reserve(key: string, expiresAt: number): Promise<boolean> | boolean
}

/**
 * A bounded replay store written the obvious way: a Map from key to expiry, and the keys in insertion order
 * in an array used as a ring (iterating a Map from its start skips every deleted slot, quadratic once full),
 * the oldest entry dropped once expired when it is full.
 */
function mapReplayStore(maxEntries: number, now: () => number): Reserving {
  const map = new Map<string, number>()
  const order: string[] = new Array(maxEntries)
  let head = 0
  return {
    reserve(key, expiresAt) {
      const held = map.get(key)
      if (held !== undefined && held > now()) return false
      if (held === undefined && map.size >= maxEntries) {
        const oldest = order[head] as string
        if ((map.get(oldest) as number) > now()) throw new Error('full')
        map.delete(oldest)
        order[head] = key
        head = (head + 1) % maxEntries
      } else if (held === undefined) {
        order[(head + map.size) % maxEntries] = key
      }
      map.set(key, expiresAt)
      return true
    },
  }
}

/**
 * Inserts `2 * steadyEntries` new keys, each living `steadyEntries` ticks of `clock`: reservations per second
 * while the store fills and once it is full. `checkpoint` runs (untimed) when it fills and every quarter after.
 */
async function fillTwice(
  store: Reserving,
  steadyEntries: number,
  clock: { tick: number },
  nextKey: () => string,
  checkpoint?: (inserted: number) => void,
): Promise<{ filling: number; full: number }> {
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
      clock.tick = inserted
      if (!(await store.reserve(batch[k] as string, inserted + steadyEntries)))
        throw new Error('unexpected replay')
      batch[k] = ''
      if (checkpoint !== undefined && inserted >= steadyEntries && inserted % (steadyEntries / 4) === 0) {
        stop()
        checkpoint(inserted)
        start = performance.now()
      }
    }
    stop()
  }
  return { filling: steadyEntries / (filling / 1000), full: steadyEntries / (full / 1000) }
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
  const clock = { tick: 0 }
  before = memoryUsed()
  const steady = createMemoryReplayStore({ maxEntries: steadyEntries, now: () => clock.tick })
  const checkpoints: MemoryReport['checkpoints'] = []
  const rates = await fillTwice(steady, steadyEntries, clock, nextKey, (inserted) => {
    checkpoints.push({ inserted, size: steady.size, megabytes: megabytes(memoryUsed() - before) })
  })
  // The baseline: the same inserts into a store written the obvious way, on a Map.
  const mapClock = { tick: 0 }
  const map = await fillTwice(
    mapReplayStore(steadyEntries, () => mapClock.tick),
    steadyEntries,
    mapClock,
    nextKey,
  )
  const report: MemoryReport = {
    liveMegabytes: megabytes(live),
    bytesPerEntry: live / entries,
    steadyEntries,
    checkpoints,
    fillingOpsPerSecond: rates.filling,
    steadyOpsPerSecond: rates.full,
    mapFillingOpsPerSecond: map.filling,
    mapSteadyOpsPerSecond: map.full,
  }
  process.stdout.write(JSON.stringify(report))
}

await main()
