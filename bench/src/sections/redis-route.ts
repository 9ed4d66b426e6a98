import type { Redis } from 'ioredis'

export const REDIS_ROUTE = '/redis'
export const MEMORY_ROUTE = '/memory'

/** Resolves once the client can take commands (the fail-fast client has no offline queue). */
export async function waitForRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis did not become ready in 10 s')), 10_000)
    redis.once('ready', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Commands Redis has processed so far, by name (`INFO commandstats`), without the INFO calls themselves. */
export async function commandCounts(redis: Redis): Promise<Record<string, number>> {
  const info = (await redis.call('INFO', 'commandstats')) as string
  const counts: Record<string, number> = {}
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (name !== 'info') counts[name as string] = Number(calls)
  }
  return counts
}

/** Commands between two `commandCounts`, e.g. `{ set: 1000 }`. */
export function commandsBetween(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const delta: Record<string, number> = {}
  for (const [name, calls] of Object.entries(after)) {
    const difference = calls - (before[name] ?? 0)
    if (difference > 0) delta[name] = difference
  }
  return delta
}
