import { contextualizeError, DPoPError, isDPoPError } from '@dpop/core'
import type { AuthorizationServerResponse } from './types.js'

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' }

/** A JSON response that caches must not keep (RFC 6749 §5.1). */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): AuthorizationServerResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...NO_STORE, ...headers },
    body: JSON.stringify(body),
  }
}

/**
 * Any exception as a DPoPError with the token endpoint's status and headers: a DPoPError keeps its code,
 * anything else becomes a 500 `server_error` that reveals nothing.
 */
export function toTokenError(error: unknown): DPoPError {
  if (isDPoPError(error)) return contextualizeError(error, 'token')
  return contextualizeError(
    new DPoPError('server_error', 'internal', { description: 'internal server error', cause: error }),
    'token',
  )
}

/** The RFC 6749 §5.2 error response of `error`. */
export function errorResponse(
  error: unknown,
  headers: Record<string, string> = {},
): AuthorizationServerResponse {
  const contextualized = toTokenError(error)
  return jsonResponse(contextualized.status, contextualized.toJSON(), {
    ...contextualized.headers,
    ...headers,
  })
}

/** 405 for a method the endpoint does not serve. */
export function methodNotAllowed(allow: string): AuthorizationServerResponse {
  return jsonResponse(
    405,
    { error: 'invalid_request', error_description: 'method not allowed' },
    { Allow: allow },
  )
}
