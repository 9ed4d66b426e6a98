import { type ConformanceCase, expectRejectionAt, verdict } from '../conformance-case.js'
import type { HttpResponse } from '../http-exchange.js'
import { ProofBuilder } from '../proof-builder.js'
import type { RunContext } from '../run-context.js'
import { allSides, type Side, sideLabel, sideSuffix } from '../side.js'

const CLAUSE = 'RFC 9449 §11.1'
const HINT =
  'store each proof jti (with the key thumbprint) for the acceptance window and reject a second use atomically; share the store between instances'

/** Sends a valid proof (retrying once for a nonce) and returns the answer and the proof that was sent. */
async function acceptedRequest(context: RunContext, side: Side) {
  let proof: string | undefined
  const build = async (builder: { valid(): Promise<string> }) => {
    proof = await builder.valid()
    return proof
  }
  const notes = 'DPoP: valid proof, then the very same proof again'
  const response = await context.requestAt(side, build, { notes })
  return { response, request: await context.httpRequestAt(side, proof, notes) }
}

function sequential(side: Side): ConformanceCase {
  return {
    id: `replay.sequential${sideSuffix(side)}`,
    clause: CLAUSE,
    family: 'replay',
    title: `the same proof sent twice (${sideLabel(side)})`,
    needs: [side],
    async run(context) {
      const first = await acceptedRequest(context, side)
      if (first.response.status >= 300) return verdict('fail', first.response, 'positive control failed')
      return expectRejectionAt(side, await context.send(first.request), HINT)
    },
  }
}

function concurrent(side: Side): ConformanceCase {
  return {
    id: `replay.concurrent${sideSuffix(side)}`,
    clause: CLAUSE,
    family: 'replay',
    title: `the same proof sent 5 times at once (${sideLabel(side)}): at most one success`,
    needs: [side],
    async run(context) {
      const { target, key } = await context.proofTargetAt(side)
      const proof = await new ProofBuilder(key, target).valid()
      const request = await context.httpRequestAt(side, proof, 'DPoP: one valid proof, 5 concurrent requests')
      const responses: HttpResponse[] = await Promise.all(
        Array.from({ length: 5 }, () => context.send(request)),
      )
      const accepted = responses.filter((response) => response.status < 300)
      const shown = accepted[1] ?? responses[0]
      if (accepted.length > 1) {
        return verdict('fail', shown, `${accepted.length} of 5 concurrent uses were accepted: ${HINT}`)
      }
      if (accepted.length === 0) {
        return verdict(
          'warn',
          shown,
          'none of the 5 concurrent uses was accepted, so the check is inconclusive',
        )
      }
      return verdict('pass', shown)
    },
  }
}

export function replayCases(resourceCount: number): ConformanceCase[] {
  const sides = allSides(resourceCount)
  return [...sides.map(sequential), ...sides.map(concurrent)]
}
