import { METRICS_PATH } from './metrics-endpoint.js'

/** The counters of one server's `/metrics`: each sample (`name{labels}`) and its value. */
export type CounterSamples = ReadonlyMap<string, number>

/**
 * The counting samples of a Prometheus text exposition (format 0.0.4): every counter, and the `_count` of every
 * histogram (how many requests, proofs or store calls it timed).
 */
export function parseCounters(text: string): CounterSamples {
  const counters = new Set<string>()
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (counter|histogram)$/.exec(line)
    if (type?.[1] !== undefined) {
      counters.add(type[2] === 'histogram' ? `${type[1]}_count` : type[1])
      continue
    }
    if (line.startsWith('#') || line.trim() === '') continue
    const sample = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)/.exec(line)
    if (sample?.[1] === undefined || !counters.has(sample[1])) continue
    samples.set(`${sample[1]}${sample[2] ?? ''}`, Number(sample[3]))
  }
  return samples
}

/** The samples that grew between two scrapes, with how much. */
export function counterChanges(before: CounterSamples, after: CounterSamples): Array<[string, number]> {
  const changes: Array<[string, number]> = []
  for (const [sample, value] of after) {
    const delta = value - (before.get(sample) ?? 0)
    if (delta > 0) changes.push([sample, delta])
  }
  return changes
}

/** The metrics URL of the server at `url`'s origin. */
export function metricsUrl(url: string): string {
  return new URL(METRICS_PATH, url).href
}

/** One server's counters, or `undefined` when it serves no metrics (a system started by an older example). */
export async function scrapeCounters(url: string): Promise<CounterSamples | undefined> {
  try {
    const response = await fetch(metricsUrl(url), { signal: AbortSignal.timeout(2000) })
    if (!response.ok) {
      await response.body?.cancel()
      return undefined
    }
    return parseCounters(await response.text())
  } catch {
    return undefined
  }
}

/** What to print: per server, the counters the demo moved. */
export function formatCounterChanges(
  servers: ReadonlyArray<{ name: string; before?: CounterSamples; after?: CounterSamples }>,
): string {
  const lines = ['Counters the steps moved (GET /metrics of each server, Prometheus text format):']
  for (const { name, before, after } of servers) {
    if (before === undefined || after === undefined) {
      lines.push(`  ${name}: no metrics served`)
      continue
    }
    const changes = counterChanges(before, after)
    lines.push(`  ${name}:${changes.length === 0 ? ' none' : ''}`)
    for (const [sample, delta] of changes) lines.push(`    +${delta}  ${sample}`)
  }
  return lines.join('\n')
}
