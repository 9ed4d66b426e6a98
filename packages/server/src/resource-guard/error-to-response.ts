import { isDPoPError, MISSING_CREDENTIALS } from '@dpop/core'

export interface GuardResponse {
  status: number
  headers: Record<string, string>
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
