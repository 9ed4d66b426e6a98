import { DPoPError } from '@dpop/core'
import { errorToResponse } from '../resource-guard/error-to-response.js'

/**
 * The `DPoPError` an adapter hands to its framework's error handling: the guard's error with every header
 * of the guard's answer on `headers` (challenge, `DPoP-Nonce`, `Cache-Control`) plus `extraHeaders` (CORS),
 * so a default error handler that writes `status` and `headers` still answers with the right challenge.
 * `Content-Type` is left out: the handler writes its own body. The guard's error is the `cause`.
 */
export function frameworkError(error: DPoPError, extraHeaders: Record<string, string> = {}): DPoPError {
  const { status, headers } = errorToResponse(error)
  delete headers['Content-Type']
  return new DPoPError(error.code, error.reason, {
    status,
    headers: { ...headers, ...extraHeaders },
    ...(error.description === undefined ? {} : { description: error.description }),
    ...(error.nonce === undefined ? {} : { nonce: error.nonce }),
    cause: error,
  })
}
