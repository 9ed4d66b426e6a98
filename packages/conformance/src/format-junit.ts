import type { ConformanceReport, ConformanceResult } from './types.js'

// XML 1.0 has no escape for most control characters: they are dropped.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g

function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

function exchangeOf(result: ConformanceResult): string {
  const lines: string[] = []
  if (result.sent !== undefined) {
    const notes = result.sent.notes === undefined ? '' : ` (${result.sent.notes})`
    lines.push(`sent: ${result.sent.method} ${result.sent.url}${notes}`)
  }
  if (result.received !== undefined) {
    const { status, error, description } = result.received
    lines.push(
      `received: ${status}${error === undefined ? '' : ` ${error}`}${description === undefined ? '' : `: ${description}`}`,
    )
  }
  return lines.join('\n')
}

function testCase(result: ConformanceResult): string {
  const name = `${result.id}: ${result.title}`
  const open = `    <testcase classname="dpop.conformance.${escapeXml(result.family)}" name="${escapeXml(name)}">`
  const properties = [
    '      <properties>',
    `        <property name="clause" value="${escapeXml(result.clause)}"/>`,
    `        <property name="outcome" value="${result.outcome}"/>`,
    '      </properties>',
  ]
  const hint = result.hint ?? ''
  const body: string[] = []
  if (result.outcome === 'fail') {
    body.push(
      `      <failure message="${escapeXml(hint)}" type="${escapeXml(result.clause)}">${escapeXml(exchangeOf(result))}</failure>`,
    )
  } else if (result.outcome === 'skip') {
    body.push(`      <skipped message="${escapeXml(hint)}"/>`)
  } else if (hint !== '') {
    // JUnit has no warning: a warning passes, with its reason where CI tools show a case's output.
    body.push(
      `      <system-out>${escapeXml(`${result.outcome}: ${hint}\n${exchangeOf(result)}`)}</system-out>`,
    )
  }
  return [open, ...properties, ...body, '    </testcase>'].join('\n')
}

/**
 * The report as JUnit XML, one `testcase` per result: `fail` is a `failure`, `skip` is `skipped`, `warn` passes
 * with its hint in `system-out`; each case carries its RFC clause and outcome as properties.
 */
export function formatJUnit(report: ConformanceReport): string {
  const { passed, failed, warned, skipped } = report.summary
  const counts = `tests="${passed + failed + warned + skipped}" failures="${failed}" errors="0" skipped="${skipped}"`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="dpop conformance" ${counts}>`,
    `  <testsuite name="dpop conformance (RFC 9449)" ${counts}>`,
    ...report.results.map(testCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
