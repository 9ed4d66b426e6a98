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
      id: 'headers.authorization.duplicate:resource',
      clause: 'RFC 9110 §5.3, RFC 6750 §3.1',
      family: 'headers',
      title: 'two <Authorization> lines & "more"',
      outcome: 'warn',
      hint: 'answer with 400 invalid_request',
      received: { status: 200 },
    },
    {
      id: 'proof.iat.past:token',
      clause: 'RFC 9449 §4.3 step 11',
      family: 'iat',
      title: 'iat',
      outcome: 'pass',
      hint: 'freshness is judged by the nonce',
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
  summary: { passed: 2, failed: 1, warned: 1, skipped: 1 },
}

describe('formatReport', () => {
  it('prints a table with id, clause, outcome and the hint of what did not pass', () => {
    const text = formatReport(report)
    expect(text).toMatch(/^id\s+clause\s+outcome$/m)
    expect(text).toMatch(/^replay\.sequential:token\s+RFC 9449 §11\.1\s+fail$/m)
    expect(text).toContain('↳ store each proof jti')
    expect(text).toContain('POST http://127.0.0.1/token: 200')
    expect(text).toContain('↳ give target.staleNonce')
    expect(text).toContain('↳ freshness is judged by the nonce')
    expect(text).toContain('2 passed, 1 failed, 1 warned, 1 skipped')
    expect(text).not.toContain('\u001b[')
  })

  it('colours outcomes on request', () => {
    expect(formatReport(report, { color: true })).toContain('\u001b[31mfail')
  })

  it('prints the whole report as JSON', () => {
    expect(JSON.parse(formatReport(report, { json: true }))).toEqual(report)
    expect(JSON.parse(formatReport(report, { format: 'json' }))).toEqual(report)
  })

  it('prints JUnit XML: fail is a failure, skip is skipped, warn passes with its hint; clause and outcome as properties', () => {
    const xml = formatReport(report, { format: 'junit' })
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="dpop conformance" tests="5" failures="1" errors="0" skipped="1">/,
    )
    const cases = xml.split('<testcase ').slice(1)
    expect(cases).toHaveLength(5)
    expect(cases[1]).toContain(
      '<failure message="store each proof jti" type="RFC 9449 §11.1">sent: POST http://127.0.0.1/token\nreceived: 200</failure>',
    )
    expect(cases[2]).toContain(
      'name="headers.authorization.duplicate:resource: two &#60;Authorization&#62; lines &#38; &#34;more&#34;"',
    )
    expect(cases[2]).toContain('<property name="outcome" value="warn"/>')
    expect(cases[2]).toContain('<system-out>warn: answer with 400 invalid_request')
    expect(cases[2]).not.toContain('<failure')
    expect(cases[4]).toContain('<skipped message="give target.staleNonce"/>')
    expect(cases[0]).toContain('<property name="clause" value="RFC 9449 §5"/>')
  })
})
