import {
  type CaseVerdict,
  type ConformanceCase,
  expectResourceRejection,
  expectTokenRejection,
  isSuccess,
  skip,
  verdict,
} from '../conformance-case.js'
import { ProofBuilder, type ProofTarget } from '../proof-builder.js'
import type { RunContext } from '../run-context.js'

type Where = 'token' | 'resource'
const clauseOf = (where: Where) => (where === 'token' ? 'RFC 9449 §8' : 'RFC 9449 §9')

function proofTarget(context: RunContext, where: Where): ProofTarget {
  return where === 'token'
    ? { htm: 'POST', htu: context.tokenEndpoint }
    : { htm: context.resource.method, htu: context.resource.url, accessToken: context.accessToken ?? '' }
}

function requestWith(context: RunContext, where: Where, proof: string, notes: string) {
  return where === 'token'
    ? context.tokenHttpRequest(context.target.client, proof, { notes })
    : context.resourceHttpRequest(proof, { notes })
}

/** Flips the last characters so the value keeps the server's format but not its MAC. */
function forge(nonce: string | undefined): string {
  if (nonce === undefined || nonce.length < 4) return 'conformance-forged-nonce'
  const tail = nonce.slice(-4)
  const flipped = [...tail].map((c) => (c === 'A' ? 'B' : 'A')).join('')
  return `${nonce.slice(0, -4)}${flipped}`
}

function challenge(where: Where): ConformanceCase {
  return {
    id: `nonce.challenge:${where}`,
    clause: clauseOf(where),
    family: 'nonce',
    title: `a proof without nonce gets use_dpop_nonce, the retry with it succeeds (${where})`,
    needs: [where],
    async run(context) {
      if (!context.nonceDemanded[where]) {
        return skip('the server never asked for a nonce (nonces are optional, RFC 9449 §8)')
      }
      const target = proofTarget(context, where)
      const first = await context.send(
        requestWith(context, where, await new ProofBuilder(context.key, target).valid(), 'DPoP: no nonce'),
      )
      const nonce = first.header('dpop-nonce')
      if (first.received.error !== 'use_dpop_nonce' || nonce === undefined) {
        return verdict(
          'fail',
          first,
          'answer a proof without nonce with error use_dpop_nonce and a DPoP-Nonce header',
        )
      }
      context.remember(target.htu, first)
      const retry = await context.send(
        requestWith(
          context,
          where,
          await new ProofBuilder(context.key, { ...target, nonce }).valid(),
          'DPoP: with the nonce',
        ),
      )
      context.remember(target.htu, retry)
      return isSuccess(retry)
        ? verdict('pass', retry)
        : verdict('fail', retry, 'a proof with the nonce the server just issued was refused')
    },
  }
}

function rejectedNonce(where: Where, kind: 'forged' | 'stale'): ConformanceCase {
  return {
    id: `nonce.${kind}:${where}`,
    clause: clauseOf(where),
    family: 'nonce',
    title: `proof with a ${kind} nonce (${where})`,
    needs: [where],
    async run(context): Promise<CaseVerdict> {
      if (!context.nonceDemanded[where]) {
        return skip('the server never asked for a nonce (nonces are optional, RFC 9449 §8)')
      }
      const target = proofTarget(context, where)
      const nonce = kind === 'forged' ? forge(context.nonceFor(target.htu)) : context.target.staleNonce
      if (nonce === undefined)
        return skip('give target.staleNonce (a nonce issued long ago) to run this case')
      const proof = await new ProofBuilder(context.key, { ...target, nonce }).valid()
      const response = await context.send(requestWith(context, where, proof, `DPoP: ${kind} nonce`))
      context.remember(target.htu, response)
      const hint =
        kind === 'forged'
          ? 'verify nonces cryptographically (or against storage): a made-up nonce must be refused'
          : 'expire nonces: a stale nonce must get use_dpop_nonce with a fresh one'
      const codes = ['use_dpop_nonce', 'invalid_dpop_proof']
      return where === 'token'
        ? expectTokenRejection(response, hint, codes)
        : expectResourceRejection(response, hint, codes)
    },
  }
}

export function nonceCases(): ConformanceCase[] {
  return (['token', 'resource'] as const).flatMap((where) => [
    challenge(where),
    rejectedNonce(where, 'forged'),
    rejectedNonce(where, 'stale'),
  ])
}
