import {
  type CaseVerdict,
  type ConformanceCase,
  expectResourceRejection,
  expectTokenRejection,
  skip,
  verdict,
} from '../conformance-case.js'
import type { HttpResponse } from '../http-exchange.js'
import type { RunContext } from '../run-context.js'
import { PROOF_DEFECTS, type ProofDefect } from './proof-defects.js'

function anyRejection(response: HttpResponse, hint: string): CaseVerdict {
  if (response.status >= 400 && response.status < 500) return verdict('pass', response)
  if (response.status >= 500) return verdict('fail', response, 'the server failed (5xx) on a hostile request')
  return verdict('fail', response, hint)
}

async function atEndpoint(
  defect: ProofDefect,
  context: RunContext,
  where: 'token' | 'resource',
): Promise<CaseVerdict> {
  const reason = defect.skipReason?.(context)
  if (reason !== undefined) return skip(reason)
  const notes = `DPoP: ${defect.title}`
  const build = (builder: Parameters<ProofDefect['build']>[0]) => defect.build(builder, context)
  const response =
    where === 'token'
      ? await context.tokenRequest(build, { notes })
      : await context.resourceRequest(build, { notes })
  if (defect.anyRejection) return anyRejection(response, defect.hint)
  return where === 'token'
    ? expectTokenRejection(response, defect.hint)
    : expectResourceRejection(response, defect.hint)
}

/** Every proof defect of RFC 9449 §4.3, at the token endpoint and at the first resource. */
export function proofDefectCases(): ConformanceCase[] {
  return PROOF_DEFECTS.flatMap((defect): ConformanceCase[] =>
    (['token', 'resource'] as const).map((where) => ({
      id: `${defect.id}:${where}`,
      clause: defect.clause,
      family: defect.family,
      title: `${defect.title} (${where === 'token' ? 'token endpoint' : 'resource'})`,
      needs: [where],
      run: (context) => atEndpoint(defect, context, where),
    })),
  )
}
