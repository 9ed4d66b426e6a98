import type { HttpResponse } from './http-exchange.js'
import type { RunContext } from './run-context.js'
import type { Side } from './side.js'
import type { ConformanceFamily, ConformanceOutcome, ReceivedSummary, SentSummary } from './types.js'

export interface CaseVerdict {
  outcome: ConformanceOutcome
  /** The RFC section this verdict rests on, when it is another than the case's (a reading it allows). */
  clause?: string
  hint?: string
  sent?: SentSummary
  received?: ReceivedSummary
}

export interface ConformanceCase {
  id: string
  clause: string
  family: ConformanceFamily
  title: string
  /**
   * Positive controls the case relies on (the token control, or the control of a resource by index): if one
   * failed, the case fails instead of passing vacuously.
   */
  needs: readonly Side[]
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
  // RFC 6750 §3.1: a malformed request is answered 400 invalid_request (RFC 9449 §7.1 lists those codes too).
  if (status === 400 && received.error === 'invalid_request' && codes.includes('invalid_request')) {
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

/** The rejection `side` owes a hostile request: the token endpoint's (§5) or a resource's (§7.1). */
export function expectRejectionAt(
  side: Side,
  response: HttpResponse,
  hint: string,
  codes?: readonly string[],
): CaseVerdict {
  return side === 'token'
    ? expectTokenRejection(response, hint, codes)
    : expectResourceRejection(response, hint, codes)
}
