import type { HttpResponse } from './http-exchange.js'
import type { RunContext } from './run-context.js'
import type { ConformanceFamily, ConformanceOutcome, ReceivedSummary, SentSummary } from './types.js'

export interface CaseVerdict {
  outcome: ConformanceOutcome
  hint?: string
  sent?: SentSummary
  received?: ReceivedSummary
}

export interface ConformanceCase {
  id: string
  clause: string
  family: ConformanceFamily
  title: string
  /** Positive controls the case relies on: if one failed, the case fails instead of passing vacuously. */
  needs: ReadonlyArray<'token' | 'resource'>
  run(context: RunContext): Promise<CaseVerdict>
}

export function verdict(outcome: ConformanceOutcome, response?: HttpResponse, hint?: string): CaseVerdict {
  const result: CaseVerdict = { outcome }
  if (hint !== undefined) result.hint = hint
  if (response !== undefined) {
    result.sent = response.sent
    result.received = response.received
  }
  return result
}

export const skip = (hint: string): CaseVerdict => ({ outcome: 'skip', hint })

const ok = (status: number) => status >= 200 && status < 300

/**
 * A token-endpoint rejection (RFC 9449 §5, §7.1 of RFC 6749 errors): 400 with `invalid_dpop_proof`, or
 * one of `codes`. Acceptance fails with `hint`; another rejection only warns.
 */
export function expectTokenRejection(
  response: HttpResponse,
  hint: string,
  codes: readonly string[] = ['invalid_dpop_proof'],
): CaseVerdict {
  const { status, received } = response
  if (ok(status)) return verdict('fail', response, hint)
  if (status >= 500)
    return verdict('fail', response, 'the server failed (5xx) on a hostile request instead of rejecting it')
  if ((status === 400 || status === 401) && received.error !== undefined && codes.includes(received.error)) {
    return verdict('pass', response)
  }
  return verdict(
    'warn',
    response,
    `rejected, but RFC 9449 expects 400 with error ${codes.join(' or ')}, not ${status} ${received.error ?? '(no error code)'}`,
  )
}

/**
 * A resource rejection (RFC 9449 §7.1): 401 with a `DPoP` challenge carrying `invalid_dpop_proof` or
 * `invalid_token` (or one of `codes`). Acceptance fails with `hint`; another rejection only warns.
 */
export function expectResourceRejection(
  response: HttpResponse,
  hint: string,
  codes: readonly string[] = ['invalid_dpop_proof', 'invalid_token'],
): CaseVerdict {
  const { status, received } = response
  if (ok(status)) return verdict('fail', response, hint)
  if (status >= 500)
    return verdict('fail', response, 'the server failed (5xx) on a hostile request instead of rejecting it')
  const dpopChallenge = /(^|,)\s*dpop(\s|$)/i.test(received.challenge ?? '')
  if (status === 401 && dpopChallenge && received.error !== undefined && codes.includes(received.error)) {
    return verdict('pass', response)
  }
  return verdict(
    'warn',
    response,
    `rejected, but RFC 9449 §7.1 expects 401 with WWW-Authenticate: DPoP error=${codes.join('|')}, not ${status} ${received.error ?? '(no error code)'}`,
  )
}

export function isSuccess(response: HttpResponse): boolean {
  return ok(response.status)
}
