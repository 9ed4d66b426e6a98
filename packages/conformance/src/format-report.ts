import { formatJUnit } from './format-junit.js'
import type { ConformanceOutcome, ConformanceReport } from './types.js'

/** The formats {@link formatReport} writes: a table for people, JSON, or JUnit XML. */
export type ReportFormat = 'text' | 'json' | 'junit'

/** Options of {@link formatReport}. */
export interface FormatReportOptions {
  /** A table for people, the report as JSON, or JUnit XML for CI. @default 'text' */
  format?: ReportFormat
  /** Shorthand for `format: 'json'`. @default false */
  json?: boolean
  /** ANSI colours for outcomes (text only). @default false */
  color?: boolean
}

const COLORS: Record<ConformanceOutcome, string> = {
  pass: '\u001b[32m',
  fail: '\u001b[31m',
  warn: '\u001b[33m',
  skip: '\u001b[90m',
}

/**
 * The report as a readable table (id, clause, outcome; the hint of anything not passing, and of a pass that
 * rests on a reading the RFC allows), as JSON, or as JUnit XML.
 */
export function formatReport(report: ConformanceReport, options: FormatReportOptions = {}): string {
  const format = options.format ?? (options.json ? 'json' : 'text')
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`
  if (format === 'junit') return formatJUnit(report)
  const idWidth = Math.max(2, ...report.results.map((r) => r.id.length))
  const clauseWidth = Math.max(6, ...report.results.map((r) => r.clause.length))
  const paint = (outcome: ConformanceOutcome) =>
    options.color ? `${COLORS[outcome]}${outcome.padEnd(4)}\u001b[0m` : outcome.padEnd(4)
  const lines = [`${'id'.padEnd(idWidth)}  ${'clause'.padEnd(clauseWidth)}  outcome`]
  for (const result of report.results) {
    lines.push(`${result.id.padEnd(idWidth)}  ${result.clause.padEnd(clauseWidth)}  ${paint(result.outcome)}`)
    if (result.hint !== undefined) {
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
