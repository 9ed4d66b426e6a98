import { describe, expect, it } from 'vitest'
import { formatReport } from './format-report.js'
import type { ConformanceReport } from './types.js'

const report: ConformanceReport = {
  results: [
    { id: 'control.token', clause: 'RFC 9449 §5', family: 'control', title: 'token', outcome: 'pass' },
    {
      id: 'replay.sequential:token',
      clause: 'RFC 9449 §11.1',
      family: 'replay',
      title: 'replay',
      outcome: 'fail',
      hint: 'store each proof jti',
      sent: { method: 'POST', url: 'http://127.0.0.1/token' },
      received: { status: 200 },
    },
    {
      id: 'nonce.stale:token',
      clause: 'RFC 9449 §8',
      family: 'nonce',
      title: 'stale',
      outcome: 'skip',
      hint: 'give target.staleNonce',
    },
  ],
  summary: { passed: 1, failed: 1, warned: 0, skipped: 1 },
}

describe('formatReport', () => {
  it('prints a table with id, clause, outcome and the hint of what did not pass', () => {
    const text = formatReport(report)
    expect(text).toMatch(/^id\s+clause\s+outcome$/m)
    expect(text).toMatch(/^replay\.sequential:token\s+RFC 9449 §11\.1\s+fail$/m)
    expect(text).toContain('↳ store each proof jti')
    expect(text).toContain('POST http://127.0.0.1/token: 200')
    expect(text).toContain('↳ give target.staleNonce')
    expect(text).toContain('1 passed, 1 failed, 0 warned, 1 skipped')
    expect(text).not.toContain('\u001b[')
  })

  it('colours outcomes on request', () => {
    expect(formatReport(report, { color: true })).toContain('\u001b[31mfail')
  })

  it('prints the whole report as JSON', () => {
    expect(JSON.parse(formatReport(report, { json: true }))).toEqual(report)
  })
})
