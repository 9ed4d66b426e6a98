import type { CaseResult } from './measure.js'

export type Unit = 'ops/s' | 'req/s' | 'MB' | 'calls/req'

export interface Bar {
  /** `ratio`/`max-ratio`: the row's ratio to its baseline is at least/most `target`; `min`/`max`: its value. */
  kind: 'ratio' | 'max-ratio' | 'min' | 'max'
  target: number
  met: boolean
}

export interface ResultRow {
  name: string
  /** Median over the rounds; `null` when the row was skipped. */
  value: number | null
  unit: Unit
  rounds?: number[]
  /** The row this one is compared with. */
  baseline?: string
  /** value / baseline value. */
  ratio?: number
  bar?: Bar
  /** Median latency percentiles over the rounds, in milliseconds. */
  latency?: { p50: number; p99: number }
  /** HTTP rows: the servers' CPU time and wait for a CPU per request (medians over the rounds, µs). */
  server?: { cpu: number; waited: number }
  note?: string
}

export interface SectionResult {
  id: string
  title: string
  rows: ResultRow[]
}

export function valueRow(result: CaseResult, unit: Unit = 'ops/s', note?: string): ResultRow {
  return { name: result.name, value: result.median, unit, rounds: result.rounds, ...(note ? { note } : {}) }
}

/** A row compared with `baseline`; with `minRatio`, a bar the ratio must reach. */
export function ratioRow(
  result: CaseResult,
  baseline: CaseResult,
  minRatio?: number,
  unit: Unit = 'ops/s',
  note?: string,
): ResultRow {
  const ratio = result.median / baseline.median
  return {
    ...valueRow(result, unit, note),
    baseline: baseline.name,
    ratio,
    ...(minRatio === undefined ? {} : { bar: { kind: 'ratio', target: minRatio, met: ratio >= minRatio } }),
  }
}

export function skippedRow(name: string, reason: string, unit: Unit = 'ops/s'): ResultRow {
  return { name, value: null, unit, note: `not available: ${reason}` }
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

function formatValue(row: ResultRow): string {
  if (row.value === null) return '—'
  if (row.unit === 'MB') return `${row.value.toFixed(1)} MB`
  if (row.unit === 'calls/req') return `${row.value.toFixed(2)} calls/req`
  return `${integer.format(row.value)} ${row.unit}`
}

export function formatBar(row: ResultRow): string {
  const bar = row.bar
  if (bar === undefined) return ''
  const isRatio = bar.kind === 'ratio' || bar.kind === 'max-ratio'
  const actual = isRatio ? (row.ratio as number) : (row.value as number)
  const target = {
    ratio: `≥ ${bar.target}×`,
    'max-ratio': `≤ ${bar.target}×`,
    min: `≥ ${integer.format(bar.target)}`,
    max: `≤ ${bar.target}${row.unit === 'MB' ? ' MB' : ''}`,
  }[bar.kind]
  if (bar.met) return `${target} met`
  const short =
    bar.kind === 'max' || bar.kind === 'max-ratio' ? actual / bar.target - 1 : 1 - actual / bar.target
  return `${target} **missed by ${(short * 100).toFixed(0)}%**`
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|')
}

export function toMarkdown(sections: readonly SectionResult[], header: readonly string[]): string {
  const lines = [...header, '']
  const barred = sections.flatMap((section) => section.rows.filter((row) => row.bar !== undefined))
  const missed = barred.filter((row) => !row.bar!.met)
  lines.push(`Bars: ${barred.length - missed.length} of ${barred.length} met.`)
  for (const row of missed) {
    lines.push(
      `- missed: ${row.name}${row.baseline ? ` vs. ${row.baseline}` : ''}: ${formatBar(row).replaceAll('**', '')}`,
    )
  }
  lines.push('')
  for (const section of sections) {
    lines.push(`### ${section.title}`, '')
    lines.push('| Row | Median | vs. | Ratio | Bar | p50 / p99 | Note |', '|---|---:|---|---:|---|---:|---|')
    for (const row of section.rows) {
      lines.push(
        `| ${escapeCell(row.name)} | ${formatValue(row)} | ${escapeCell(row.baseline ?? '')} | ${
          row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`
        } | ${formatBar(row)} | ${
          row.latency ? `${row.latency.p50.toFixed(1)} / ${row.latency.p99.toFixed(1)} ms` : ''
        } | ${escapeCell(row.note ?? '')} |`,
      )
    }
    lines.push('')
  }
  return lines.join('\n')
}
