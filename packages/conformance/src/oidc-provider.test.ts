import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOidcProviderTarget } from './oidc-provider-target.js'
import { runConformance } from './run-conformance.js'
import type { LoopbackTarget } from './test-support.js'
import type { ConformanceReport } from './types.js'

/** Every result that is not a plain pass, as `id: outcome`. */
function notPassing(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(report.results.filter((r) => r.outcome !== 'pass').map((r) => [r.id, r.outcome]))
}

// What node-oidc-provider 9 gets wrong, at its token endpoint and at its userinfo endpoint (the resource).
const DEVIATIONS = {
  // RFC 7515 §2, §5.2: jose's base64url decoder accepts "=" padding and skips whitespace.
  'proof.syntax.padded:token': 'fail',
  'proof.syntax.padded:resource': 'fail',
  'proof.syntax.whitespace:token': 'fail',
  'proof.syntax.whitespace:resource': 'fail',
  // RFC 9449 §4.3 step 7: an RSA private key given by p, q, dp, dq, qi without d is taken as a public key.
  'proof.jwk.private-rsa:token': 'fail',
  'proof.jwk.private-rsa:resource': 'fail',
  // RFC 9449 §5: a replayed proof is refused with invalid_grant, not invalid_dpop_proof.
  'replay.sequential:token': 'warn',
  // RFC 6750 §3.1: two Authorization lines are not refused (the first is used).
  'headers.authorization.duplicate:resource': 'warn',
  // oidc-provider does not do Ed448: no user token can be bound to an Ed448 key to try one at userinfo.
  'proof.alg.Ed448:resource': 'skip',
  // The kit's origin is not a CORS origin of the confidential client.
  'cors.token.expose': 'skip',
  'cors.resource.expose:resource': 'skip',
} as const

const NONCE_SKIPS = {
  off: Object.fromEntries(
    ['challenge', 'forged', 'stale', 'foreign'].flatMap((name) => [
      [`nonce.${name}:token`, 'skip'],
      [`nonce.${name}:resource`, 'skip'],
    ]),
  ),
  // No stale nonce is given; userinfo shares the authorization server's origin, so no nonce is foreign.
  always: {
    'nonce.stale:token': 'skip',
    'nonce.stale:resource': 'skip',
    'nonce.foreign:token': 'skip',
    'nonce.foreign:resource': 'skip',
  },
}

describe('runConformance against node-oidc-provider (DPoP, userinfo as the resource)', () => {
  for (const nonce of ['off', 'always'] as const) {
    describe(`nonces ${nonce === 'always' ? 'required' : 'not required'}`, () => {
      let deployment: LoopbackTarget
      let report: ConformanceReport
      beforeAll(async () => {
        deployment = await startOidcProviderTarget({ nonce })
        report = await runConformance(deployment.target)
      }, 120_000)
      afterAll(() => deployment.close())

      it('finds exactly its three deviations (padding, whitespace, RSA private key without d), nothing else', () => {
        expect(notPassing(report)).toEqual({ ...DEVIATIONS, ...NONCE_SKIPS[nonce] })
        expect(report.summary.passed).toBeGreaterThan(100)
      })

      it('RFC 9449 §4.3 step 11: an old or future iat refused without nonce and accepted with one passes, on the nonce reading', () => {
        for (const id of ['proof.iat.past', 'proof.iat.future'].flatMap((c) => [
          `${c}:token`,
          `${c}:resource`,
        ])) {
          expect(report.results.find((r) => r.id === id)).toMatchObject({
            outcome: 'pass',
            clause: 'RFC 9449 §4.3 step 11',
            hint: expect.stringContaining('freshness is judged by the nonce'),
          })
        }
      })

      it('probes every algorithm at the token endpoint and, with user tokens bound to its keys, at userinfo', () => {
        const probes = report.results.filter((r) => r.family === 'alg')
        expect(probes.length).toBeGreaterThanOrEqual(22)
        expect(probes.filter((r) => r.outcome !== 'pass').map((r) => r.id)).toEqual([
          'proof.alg.Ed448:resource',
        ])
        expect(probes.map((r) => r.id)).toContain('proof.alg.Ed25519:resource')
      })

      it('skips say why', () => {
        for (const result of report.results.filter((r) => r.outcome === 'skip')) {
          expect(result.hint, result.id).toMatch(/\w{4,}/)
        }
        const foreign = report.results.find((r) => r.id === 'nonce.foreign:resource')
        if (nonce === 'always') expect(foreign?.hint).toContain("shares the authorization server's origin")
      })
    })
  }
})
