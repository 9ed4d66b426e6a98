import { isDPoPError, MISSING_CREDENTIALS } from '@dpop/core'

/** An error answer of a resource, ready to write: what {@link ResourceGuard.toResponse} returns. */
export interface GuardResponse {
  /** The HTTP status: 401 for a missing or refused token or proof, 403 for a missing scope, … */
  status: number
  /** `WWW-Authenticate`, and `DPoP-Nonce` or `Retry-After` where they apply. */
  headers: Record<string, string>
  /** The JSON error body, or `''` when the request carried no credentials (RFC 6750 §3.1). */
  body: string
}

/**
 * The response an adapter writes for an error: a `DPoPError` becomes its status, headers and RFC 6750 §3
 * JSON body (none when credentials were missing, RFC 6750 §3.1). Anything else is rethrown for the
 * framework's own error handling.
 */
export function errorToResponse(error: unknown): GuardResponse {
  if (!isDPoPError(error)) throw error
  const headers: Record<string, string> = { ...error.headers, 'Cache-Control': 'no-store' }
  if (error.reason === MISSING_CREDENTIALS) return { status: error.status, headers, body: '' }
  headers['Content-Type'] = 'application/json'
  return { status: error.status, headers, body: JSON.stringify(error.toJSON()) }
}
