import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without types, shared with `node scripts/error-reasons-table.mjs`
import { renderErrorReasonsTable } from '../../../scripts/error-reasons-table.mjs'
import { DPoPError } from './dpop-error.js'
import { DPoP_ERROR_REASONS, isDPoPErrorReason } from './error-reasons.js'

describe('the reason catalogue', () => {
  it('names the specification section of every reason', () => {
    for (const [reason, entry] of Object.entries(DPoP_ERROR_REASONS)) {
      expect(reason).toMatch(/^[a-z][a-z0-9_]*$/)
      expect(entry.reference, reason).toMatch(/^(RFC \d+ §\d|OAuth 2\.0 )/)
      expect(entry.meaning.length, reason).toBeGreaterThan(10)
    }
  })

  it('tells its reasons from other strings', () => {
    expect(isDPoPErrorReason('replay')).toBe(true)
    expect(isDPoPErrorReason('toString')).toBe(false)
    expect(isDPoPErrorReason('not_a_reason')).toBe(false)
    expect(isDPoPErrorReason(undefined)).toBe(false)
    expect(new DPoPError('invalid_dpop_proof', 'replay').reason).toBe('replay')
  })

  it('is the table in docs/error-reasons.md (regenerate with node scripts/error-reasons-table.mjs)', () => {
    const committed = readFileSync(new URL('../../../docs/error-reasons.md', import.meta.url), 'utf8')
    expect(committed).toBe(renderErrorReasonsTable(DPoP_ERROR_REASONS))
  })
})
