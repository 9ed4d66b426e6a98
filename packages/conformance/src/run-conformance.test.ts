import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { matchesCaseFilter, runConformance } from './run-conformance.js'
import { type BrokenCheck, type LoopbackTarget, startLoopbackTarget } from './test-support.js'
import type { ConformanceFamily, ConformanceReport } from './types.js'

const failures = (report: ConformanceReport) => report.results.filter((r) => r.outcome === 'fail')
const failedFamilies = (report: ConformanceReport) =>
  [...new Set(failures(report).map((r) => r.family))].sort()

/** Every result that is not a plain pass, as `id: outcome`. */
function notPassing(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(report.results.filter((r) => r.outcome !== 'pass').map((r) => [r.id, r.outcome]))
}

// Without nonces the nonce cases have nothing to try, and the token endpoint no DPoP-Nonce to expose.
const WITHOUT_NONCES = {
  ...Object.fromEntries(
    ['token', 'resource', 'resource.1'].flatMap((side) =>
      ['challenge', 'forged', 'stale', 'foreign'].map((name) => [`nonce.${name}:${side}`, 'skip']),
    ),
  ),
  'cors.token.expose': 'skip',
}

describe('runConformance against a correct deployment (a client resource and a user-only resource)', () => {
  for (const nonce of ['off', 'always'] as const) {
    describe(`nonce ${nonce}`, () => {
      let deployment: LoopbackTarget
      beforeAll(async () => {
        deployment = await startLoopbackTarget({ nonce })
      })
      afterAll(() => deployment.close())

      it('fails nothing, and every case runs at every resource', async () => {
        const report = await runConformance(deployment.target)
        expect(failures(report)).toEqual([])
        expect(notPassing(report)).toEqual(nonce === 'always' ? {} : WITHOUT_NONCES)
        const outcome = (id: string) => report.results.find((r) => r.id === id)?.outcome
        for (const id of [
          'dpop_jkt.mismatch',
          'par.binding',
          'refresh.binding',
          'refresh.reuse.rejected',
          'refresh.reuse.family-revoked',
          'refresh.reuse.access-revoked',
          'introspection.cnf',
          'cors.resource.expose:resource.1',
          'headers.authorization.duplicate:resource.1',
          'headers.dpop.duplicate:resource.1',
          'proof.jwk.private-rsa:resource.1',
          'proof.syntax.padded:resource.1',
          'proof.alg.Ed25519:resource.1',
          'token.query:resource.1',
          'token.form:resource.1',
        ]) {
          expect(outcome(id), id).toBe('pass')
        }
        if (nonce === 'always') {
          for (const id of [
            'nonce.stale:token',
            'nonce.stale:resource',
            'nonce.foreign:token',
            'nonce.foreign:resource',
          ]) {
            expect(outcome(id), id).toBe('pass')
          }
        }
      })

      it('RFC 7515 §2: a padded or whitespace-broken segment is refused as bad base64url, not as non-JSON', async () => {
        const report = await runConformance(deployment.target, {
          cases: ['proof.syntax.padded', 'proof.syntax.whitespace'],
        })
        const cases = report.results.filter((r) => r.family === 'proof-syntax')
        expect(cases.map((r) => [r.id, r.outcome, r.received?.status, r.received?.error])).toEqual(
          ['padded', 'whitespace'].flatMap((name) => [
            [`proof.syntax.${name}:token`, 'pass', 400, 'invalid_dpop_proof'],
            [`proof.syntax.${name}:resource`, 'pass', 401, 'invalid_dpop_proof'],
            [`proof.syntax.${name}:resource.1`, 'pass', 401, 'invalid_dpop_proof'],
          ]),
        )
        for (const result of cases)
          expect(result.received?.description, result.id).toMatch(/payload segment is not base64url/)
      })
    })
  }
})

// Each broken deployment gets exactly one check wrong: the kit must fail that family and no other.
const BROKEN: ReadonlyArray<[BrokenCheck, ConformanceFamily[], string[]]> = [
  [
    'replay',
    ['replay'],
    ['replay.sequential:token', 'replay.sequential:resource', 'replay.concurrent:resource'],
  ],
  ['ath', ['ath'], ['ath.missing:resource', 'ath.wrong:resource']],
  ['htu', ['htu'], ['proof.htu.other-host:resource', 'proof.htu.other-path:resource']],
  ['downgrade', ['downgrade'], ['downgrade.bearer:resource', 'downgrade.bearer-with-proof:resource']],
  ['dpop_jkt', ['dpop_jkt', 'par'], ['dpop_jkt.mismatch', 'par.binding']],
  ['nonce', ['nonce'], ['nonce.forged:token', 'nonce.forged:resource', 'nonce.stale:resource.1']],
  ['foreign-nonce', ['nonce'], ['nonce.foreign:resource', 'nonce.foreign:resource.1']],
]

describe('runConformance against deployments with one check disabled', () => {
  it.each(BROKEN)('%s: fails the matching family only', async (broken, families, ids) => {
    const deployment = await startLoopbackTarget({ broken })
    try {
      const report = await runConformance(deployment.target)
      expect(failedFamilies(report)).toEqual([...families].sort())
      const failed = failures(report).map((r) => r.id)
      for (const id of ids) expect(failed).toContain(id)
      for (const result of failures(report)) expect(result.hint).toBeTypeOf('string')
    } finally {
      await deployment.close()
    }
  })
})

describe('RFC 9700 §4.14.2: access tokens of a grant whose refresh token was reused', () => {
  it('warns when they stay active at introspection (the refresh tokens of the grant being revoked)', async () => {
    const deployment = await startLoopbackTarget({ broken: 'grant-revocation' })
    try {
      const report = await runConformance(deployment.target, { cases: ['refresh.reuse'] })
      const outcomes = Object.fromEntries(
        report.results.filter((r) => r.family === 'refresh').map((r) => [r.id, r.outcome]),
      )
      expect(outcomes).toEqual({
        'refresh.reuse.rejected': 'pass',
        'refresh.reuse.family-revoked': 'pass',
        'refresh.reuse.access-revoked': 'warn',
      })
    } finally {
      await deployment.close()
    }
  })
})

describe('positive controls', () => {
  it('a server that rejects everything fails, with "positive control failed"', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request"}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const report = await runConformance(
        { issuer: base, client: { clientId: 'x', clientSecret: 'y' }, resources: [{ url: `${base}/api` }] },
        { cases: ['proof', 'replay', 'ath'] },
      )
      const byId = new Map(report.results.map((r) => [r.id, r]))
      expect(byId.get('control.token')?.outcome).toBe('fail')
      expect(byId.get('proof.typ.missing:token')).toMatchObject({
        outcome: 'fail',
        hint: 'positive control failed',
      })
      expect(byId.get('ath.wrong:resource')).toMatchObject({
        outcome: 'fail',
        hint: 'positive control failed',
      })
      expect(report.results.some((r) => r.outcome === 'pass')).toBe(false)
    } finally {
      server.close()
    }
  })
})

describe('hints', () => {
  it('a resource that sees its internal URL (proxy without publicUrl) fails its control with the htu hint', async () => {
    const deployment = await startLoopbackTarget({ broken: 'proxy' })
    try {
      const report = await runConformance(deployment.target, { cases: ['binding'] })
      const control = report.results.find((r) => r.id === 'control.resource.0')
      expect(control).toMatchObject({
        outcome: 'fail',
        received: { status: 401, error: 'invalid_dpop_proof' },
      })
      expect(control?.hint).toContain('configure publicUrl')
      expect(report.results.find((r) => r.id === 'binding.other-key:resource')).toMatchObject({
        outcome: 'fail',
        hint: 'positive control failed',
      })
    } finally {
      await deployment.close()
    }
  })
})

describe('case selection', () => {
  it('filters by family, id and id prefix; controls always run', async () => {
    const deployment = await startLoopbackTarget()
    try {
      const report = await runConformance(deployment.target, {
        cases: ['proof.typ', 'ath', 'replay.sequential:token'],
      })
      expect(report.results.map((r) => r.id)).toEqual([
        'control.metadata',
        'control.token',
        'control.resource.0',
        'control.resource.1',
        'proof.typ.missing:token',
        'proof.typ.missing:resource',
        'proof.typ.missing:resource.1',
        'proof.typ.wrong:token',
        'proof.typ.wrong:resource',
        'proof.typ.wrong:resource.1',
        'replay.sequential:token',
        'ath.missing:resource',
        'ath.wrong:resource',
        'ath.missing:resource.1',
        'ath.wrong:resource.1',
      ])
      expect(report.summary).toEqual({ passed: 15, failed: 0, warned: 0, skipped: 0 })
    } finally {
      await deployment.close()
    }
  })

  it('matches a prefix only at a segment boundary', () => {
    const testCase = { id: 'proof.typ.missing:token', family: 'proof-header' as const }
    expect(matchesCaseFilter(testCase, ['proof.ty'])).toBe(false)
    expect(matchesCaseFilter(testCase, ['proof-header'])).toBe(true)
    expect(matchesCaseFilter(testCase, ['proof.typ.missing'])).toBe(true)
    const second = { id: 'proof.typ.missing:resource.1', family: 'proof-header' as const }
    expect(matchesCaseFilter(second, ['proof.typ.missing:resource'])).toBe(true)
    expect(matchesCaseFilter(second, ['proof.typ.missing:resource.1'])).toBe(true)
    expect(
      matchesCaseFilter({ id: 'proof.typ.missing:resource', family: 'proof-header' }, [
        'proof.typ.missing:resource.1',
      ]),
    ).toBe(false)
  })

  it('rejects a target without resources', async () => {
    await expect(
      runConformance({ issuer: 'http://127.0.0.1:1', client: { clientId: 'x' }, resources: [] }),
    ).rejects.toThrow(TypeError)
  })
})
