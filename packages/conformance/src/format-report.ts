import type { ConformanceOutcome, ConformanceReport } from './types.js'

export interface FormatReportOptions {
  /** JSON (the whole report) instead of a table. @default false */
  json?: boolean
  /** ANSI colours for outcomes. @default false */
  color?: boolean
}

const COLORS: Record<ConformanceOutcome, string> = {
  pass: '\u001b[32m',
  fail: '\u001b[31m',
  warn: '\u001b[33m',
  skip: '\u001b[90m',
}

/** A readable table (id, clause, outcome, and the hint of anything not passing), or JSON. */
export function formatReport(report: ConformanceReport, options: FormatReportOptions = {}): string {
  if (options.json) return `${JSON.stringify(report, null, 2)}\n`
  const idWidth = Math.max(2, ...report.results.map((r) => r.id.length))
  const clauseWidth = Math.max(6, ...report.results.map((r) => r.clause.length))
  const paint = (outcome: ConformanceOutcome) =>
    options.color ? `${COLORS[outcome]}${outcome.padEnd(4)}\u001b[0m` : outcome.padEnd(4)
  const lines = [`${'id'.padEnd(idWidth)}  ${'clause'.padEnd(clauseWidth)}  outcome`]
  for (const result of report.results) {
    lines.push(`${result.id.padEnd(idWidth)}  ${result.clause.padEnd(clauseWidth)}  ${paint(result.outcome)}`)
    if (result.outcome !== 'pass' && result.hint !== undefined) {
      lines.push(`${' '.repeat(idWidth + 2)}↳ ${result.hint}`)
      if (result.outcome === 'fail' && result.received !== undefined) {
        const { status, error } = result.received
        const sent = result.sent === undefined ? '' : `${result.sent.method} ${result.sent.url}: `
        lines.push(`${' '.repeat(idWidth + 4)}${sent}${status}${error === undefined ? '' : ` ${error}`}`)
      }
    }
  }
  const { passed, failed, warned, skipped } = report.summary
  lines.push('', `${passed} passed, ${failed} failed, ${warned} warned, ${skipped} skipped`)
  return `${lines.join('\n')}\n`
}
