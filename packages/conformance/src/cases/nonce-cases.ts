import {
  type CaseVerdict,
  type ConformanceCase,
  expectRejectionAt,
  isSuccess,
  skip,
  verdict,
} from '../conformance-case.js'
import { ProofBuilder } from '../proof-builder.js'
import type { RunContext } from '../run-context.js'
import { allSides, type Side, sideLabel, sideSuffix } from '../side.js'

const clauseOf = (side: Side) => (side === 'token' ? 'RFC 9449 §8' : 'RFC 9449 §9')
const NO_NONCES = 'the server never asked for a nonce (nonces are optional, RFC 9449 §8)'
const NONCE_CODES = ['use_dpop_nonce', 'invalid_dpop_proof']

/** Flips the last characters so the value keeps the server's format but not its MAC. */
function forge(nonce: string | undefined): string {
  if (nonce === undefined || nonce.length < 4) return 'conformance-forged-nonce'
  const tail = nonce.slice(-4)
  const flipped = [...tail].map((c) => (c === 'A' ? 'B' : 'A')).join('')
  return `${nonce.slice(0, -4)}${flipped}`
}

/** Sends a valid proof carrying `nonce` to `side`, as built (no retry). */
async function sendWithNonceValue(context: RunContext, side: Side, nonce: string | undefined, notes: string) {
  const { target, key } = await context.proofTargetAt(side, false)
  const proof = await new ProofBuilder(key, nonce === undefined ? target : { ...target, nonce }).valid()
  const response = await context.send(await context.httpRequestAt(side, proof, notes))
  context.remember(target.htu, response)
  return response
}

function challenge(side: Side): ConformanceCase {
  return {
    id: `nonce.challenge${sideSuffix(side)}`,
    clause: clauseOf(side),
    family: 'nonce',
    title: `a proof without nonce gets use_dpop_nonce, the retry with it succeeds (${sideLabel(side)})`,
    needs: [side],
    async run(context) {
      if (!(await context.demandsNonce(side))) return skip(NO_NONCES)
      const first = await sendWithNonceValue(context, side, undefined, 'DPoP: no nonce')
      const nonce = first.header('dpop-nonce')
      if (first.received.error !== 'use_dpop_nonce' || nonce === undefined) {
        return verdict(
          'fail',
          first,
          'answer a proof without nonce with error use_dpop_nonce and a DPoP-Nonce header',
        )
      }
      const retry = await sendWithNonceValue(context, side, nonce, 'DPoP: with the nonce')
      return isSuccess(retry)
        ? verdict('pass', retry)
        : verdict('fail', retry, 'a proof with the nonce the server just issued was refused')
    },
  }
}

function forged(side: Side): ConformanceCase {
  return {
    id: `nonce.forged${sideSuffix(side)}`,
    clause: clauseOf(side),
    family: 'nonce',
    title: `proof with a forged nonce (${sideLabel(side)})`,
    needs: [side],
    async run(context): Promise<CaseVerdict> {
      if (!(await context.demandsNonce(side))) return skip(NO_NONCES)
      const nonce = forge(context.nonceFor(context.urlOf(side)))
      return expectRejectionAt(
        side,
        await sendWithNonceValue(context, side, nonce, 'DPoP: forged nonce'),
        'verify nonces cryptographically (or against storage): a made-up nonce must be refused',
        NONCE_CODES,
      )
    },
  }
}

function stale(side: Side): ConformanceCase {
  return {
    id: `nonce.stale${sideSuffix(side)}`,
    clause: clauseOf(side),
    family: 'nonce',
    title: `proof with a stale nonce of the same server (${sideLabel(side)})`,
    needs: [side],
    async run(context): Promise<CaseVerdict> {
      if (!(await context.demandsNonce(side))) return skip(NO_NONCES)
      const nonce = side === 'token' ? context.target.staleNonce : context.target.resources[side]?.staleNonce
      if (nonce === undefined) {
        return skip(
          side === 'token'
            ? 'give target.staleNonce (a nonce the authorization server issued long ago) to run this case'
            : `give target.resources[${side}].staleNonce (a nonce this resource issued long ago) to run this case`,
        )
      }
      return expectRejectionAt(
        side,
        await sendWithNonceValue(context, side, nonce, 'DPoP: stale nonce'),
        'expire nonces: a stale nonce must get use_dpop_nonce with a fresh one',
        NONCE_CODES,
      )
    },
  }
}

/** The other servers (by origin) whose latest nonce can be presented at `side`. */
function foreignSources(context: RunContext, side: Side): Side[] {
  const origin = new URL(context.urlOf(side)).origin
  const others = side === 'token' ? allSides(context.target.resources.length).slice(1) : ['token' as const]
  const seen = new Set<string>([origin])
  return others.filter((other) => {
    const otherOrigin = new URL(context.urlOf(other)).origin
    if (seen.has(otherOrigin) || context.nonceFor(context.urlOf(other)) === undefined) return false
    seen.add(otherOrigin)
    return true
  })
}

function foreign(side: Side): ConformanceCase {
  return {
    id: `nonce.foreign${sideSuffix(side)}`,
    clause: `${clauseOf(side)}, RFC 9449 §4.3 step 10`,
    family: 'nonce',
    title: `proof with a current nonce of another server (${side === 'token' ? 'each resource at the token endpoint' : `the authorization server at resource #${side}`})`,
    needs: [side],
    async run(context): Promise<CaseVerdict> {
      if (!(await context.demandsNonce(side))) return skip(NO_NONCES)
      const sources = foreignSources(context, side)
      if (sources.length === 0) {
        if (side === 'token') return skip('no resource on another origin issued a nonce during the run')
        const sameOrigin = new URL(context.urlOf(side)).origin === new URL(context.tokenEndpoint).origin
        return skip(
          sameOrigin
            ? "the resource shares the authorization server's origin, so clients keep one nonce for both"
            : 'the authorization server issued no nonce during the run',
        )
      }
      let worst: CaseVerdict | undefined
      const rank = { fail: 3, warn: 2, pass: 1, skip: 0 } as const
      for (const source of sources) {
        const nonce = context.nonceFor(context.urlOf(source)) as string
        const judged = expectRejectionAt(
          side,
          await sendWithNonceValue(context, side, nonce, `DPoP: the current nonce of ${sideLabel(source)}`),
          'bind each nonce to the server that issued it (its origin or issuer in the MAC): a nonce of one server must not pass at another, even with a shared secret',
          NONCE_CODES,
        )
        if (worst === undefined || rank[judged.outcome] > rank[worst.outcome]) worst = judged
      }
      return worst as CaseVerdict
    },
  }
}

export function nonceCases(resourceCount: number): ConformanceCase[] {
  return allSides(resourceCount).flatMap((side) => [
    challenge(side),
    forged(side),
    stale(side),
    foreign(side),
  ])
}
