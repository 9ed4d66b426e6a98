import { type DPoPAlgorithm, SUPPORTED_ALGORITHMS } from '@dpop/core'
import { type CaseVerdict, type ConformanceCase, isSuccess, skip, verdict } from '../conformance-case.js'
import type { SigningKey } from '../proof-builder.js'
import type { RunContext } from '../run-context.js'
import { allSides, type Side, sideLabel, sideSuffix } from '../side.js'

function unadvertised(side: Side): string {
  return side === 'token'
    ? 'the metadata has no dpop_signing_alg_values_supported, so nothing says which algorithms to expect'
    : 'the resource challenge has no algs parameter (RFC 9449 §7.1), so nothing says which algorithms to expect'
}

/** A valid proof signed with `key` at `side`, with a token bound to `key` at a resource; or why it cannot be sent. */
async function sendSignedBy(context: RunContext, side: Side, key: SigningKey) {
  const notes = `DPoP: valid proof, alg ${key.alg}`
  if (side === 'token') return context.tokenRequest((builder) => builder.valid(), { notes }, key)
  const credentials = await context.credentialsFor(side, key)
  if (typeof credentials === 'string') return credentials
  return context.resourceRequest(side, (builder) => builder.valid(), { ...credentials, notes })
}

function algorithmCase(alg: DPoPAlgorithm, side: Side): ConformanceCase {
  return {
    id: `proof.alg.${alg}${sideSuffix(side)}`,
    clause: side === 'token' ? 'RFC 9449 §4.3 step 5, §5.1' : 'RFC 9449 §4.3 step 5, §7.1',
    family: 'alg',
    title: `valid proof with alg ${alg}: accepted where advertised, refused where not (${sideLabel(side)})`,
    needs: [side],
    async run(context): Promise<CaseVerdict> {
      const advertised = await context.advertisedAlgorithms(side)
      if (advertised === undefined) return skip(unadvertised(side))
      let key: SigningKey
      try {
        key = await context.extraKey(alg)
      } catch {
        return skip(`this runtime's Web Crypto cannot make ${alg} keys, so the kit cannot sign with it`)
      }
      const response = await sendSignedBy(context, side, key)
      if (typeof response === 'string') return skip(response)
      if (advertised.includes(alg)) {
        return isSuccess(response)
          ? verdict('pass', response)
          : verdict('fail', response, `${alg} is advertised but a valid ${alg} proof was refused`)
      }
      if (response.status >= 500) {
        return verdict(
          'fail',
          response,
          'the server failed (5xx) on a proof of an algorithm it does not list',
        )
      }
      return isSuccess(response)
        ? verdict(
            'warn',
            response,
            `${alg} is accepted but not advertised: list it, or refuse it, so clients pick an algorithm that works`,
          )
        : verdict('pass', response)
    },
  }
}

/** Every algorithm the kit can sign with, at the token endpoint and at every resource. */
export function algorithmCases(resourceCount: number): ConformanceCase[] {
  return SUPPORTED_ALGORITHMS.flatMap((alg) =>
    allSides(resourceCount).map((side) => algorithmCase(alg, side)),
  )
}
