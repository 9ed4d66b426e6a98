import {
  type CaseVerdict,
  type ConformanceCase,
  expectRejectionAt,
  isSuccess,
  skip,
  verdict,
} from '../conformance-case.js'
import type { HttpResponse } from '../http-exchange.js'
import type { ResourceSendOptions, RunContext } from '../run-context.js'
import { allSides, type Side, sideLabel, sideSuffix } from '../side.js'
import { PROOF_DEFECTS, type ProofDefect } from './proof-defects.js'

function anyRejection(response: HttpResponse, hint: string): CaseVerdict {
  if (response.status >= 400 && response.status < 500) return verdict('pass', response)
  if (response.status >= 500) return verdict('fail', response, 'the server failed (5xx) on a hostile request')
  return verdict('fail', response, hint)
}

const NONCE_READING =
  'refused without a nonce (use_dpop_nonce); with a fresh server nonce it is accepted: freshness is judged by the nonce, which RFC 9449 §4.3 step 11 allows'

/**
 * RFC 9449 §4.3 step 11: the creation time is judged "by either the iat claim or a server managed timestamp via
 * the nonce claim". Without a nonce, `iat` alone decides (use_dpop_nonce counts as a refusal); a server that
 * then accepts the same defect with its fresh nonce judges freshness by the nonce, which passes.
 */
async function freshness(
  defect: ProofDefect,
  context: RunContext,
  side: Side,
  options: ResourceSendOptions,
): Promise<CaseVerdict> {
  const build = (builder: Parameters<ProofDefect['build']>[0]) => defect.build(builder, context)
  const notes = options.notes ?? ''
  const first = await context.requestAt(side, build, {
    ...options,
    withoutNonce: true,
    notes: `${notes}, no nonce`,
  })
  if (first.received.error !== 'use_dpop_nonce') return expectRejectionAt(side, first, defect.hint)
  const withNonce = await context.requestAt(side, build, {
    ...options,
    notes: `${notes}, the server's nonce`,
  })
  if (isSuccess(withNonce)) {
    return { ...verdict('pass', withNonce, NONCE_READING), clause: 'RFC 9449 §4.3 step 11' }
  }
  return expectRejectionAt(side, withNonce, defect.hint, ['invalid_dpop_proof', 'use_dpop_nonce'])
}

async function atSide(defect: ProofDefect, context: RunContext, side: Side): Promise<CaseVerdict> {
  const prepared = await defect.prepare?.(context, side)
  if (typeof prepared === 'string') return skip(prepared)
  const options: ResourceSendOptions = { notes: `DPoP: ${defect.title}`, ...prepared }
  if (defect.freshness) return freshness(defect, context, side, options)
  const response = await context.requestAt(side, (builder) => defect.build(builder, context), options)
  if (defect.anyRejection) return anyRejection(response, defect.hint)
  return expectRejectionAt(side, response, defect.hint)
}

/** Every proof defect of RFC 9449 §4.3, at the token endpoint and at every resource. */
export function proofDefectCases(resourceCount: number): ConformanceCase[] {
  return PROOF_DEFECTS.flatMap((defect): ConformanceCase[] =>
    allSides(resourceCount).map((side) => ({
      id: `${defect.id}${sideSuffix(side)}`,
      clause: defect.clause,
      family: defect.family,
      title: `${defect.title} (${sideLabel(side)})`,
      needs: [side],
      run: (context) => atSide(defect, context, side),
    })),
  )
}
