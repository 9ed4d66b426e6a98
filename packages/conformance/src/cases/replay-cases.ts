import {
  type ConformanceCase,
  expectResourceRejection,
  expectTokenRejection,
  verdict,
} from '../conformance-case.js'
import type { HttpRequest, HttpResponse } from '../http-exchange.js'
import { ProofBuilder } from '../proof-builder.js'
import type { RunContext } from '../run-context.js'

const CLAUSE = 'RFC 9449 §11.1'
const HINT =
  'store each proof jti (with the key thumbprint) for the acceptance window and reject a second use atomically; share the store between instances'

/** Sends a valid proof (retrying once for a nonce) and returns the request that was accepted. */
async function acceptedRequest(context: RunContext, where: 'token' | 'resource') {
  let proof: string | undefined
  const build = async (builder: { valid(): Promise<string> }) => {
    proof = await builder.valid()
    return proof
  }
  const notes = 'DPoP: valid proof, then the very same proof again'
  const response =
    where === 'token'
      ? await context.tokenRequest(build, { notes })
      : await context.resourceRequest(build, { notes })
  const request: HttpRequest =
    where === 'token'
      ? context.tokenHttpRequest(context.target.client, proof, { notes })
      : context.resourceHttpRequest(proof, { notes })
  return { response, request }
}

function sequential(where: 'token' | 'resource'): ConformanceCase {
  return {
    id: `replay.sequential:${where}`,
    clause: CLAUSE,
    family: 'replay',
    title: `the same proof sent twice (${where})`,
    needs: [where],
    async run(context) {
      const first = await acceptedRequest(context, where)
      if (first.response.status >= 300) return verdict('fail', first.response, 'positive control failed')
      const replay = await context.send(first.request)
      return where === 'token' ? expectTokenRejection(replay, HINT) : expectResourceRejection(replay, HINT)
    },
  }
}

function concurrent(where: 'token' | 'resource'): ConformanceCase {
  return {
    id: `replay.concurrent:${where}`,
    clause: CLAUSE,
    family: 'replay',
    title: `the same proof sent 5 times at once (${where}): at most one success`,
    needs: [where],
    async run(context) {
      const key = context.key
      const target =
        where === 'token'
          ? { htm: 'POST', htu: context.tokenEndpoint }
          : {
              htm: context.resource.method,
              htu: context.resource.url,
              accessToken: context.accessToken ?? '',
            }
      const nonce = context.nonceFor(target.htu)
      const proof = await new ProofBuilder(key, nonce === undefined ? target : { ...target, nonce }).valid()
      const notes = 'DPoP: one valid proof, 5 concurrent requests'
      const request =
        where === 'token'
          ? context.tokenHttpRequest(context.target.client, proof, { notes })
          : context.resourceHttpRequest(proof, { notes })
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

export function replayCases(): ConformanceCase[] {
  return [sequential('token'), sequential('resource'), concurrent('token'), concurrent('resource')]
}
