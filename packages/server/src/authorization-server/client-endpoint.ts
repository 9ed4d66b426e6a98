import { usesBasicAuthentication } from './client-authentication.js'
import { corsHeaders, preflightResponse, requestOrigin } from './cors.js'
import { methodNotAllowed, toTokenError } from './responses.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord } from './storage.js'
import type { AuthorizationServerRequest, AuthorizationServerResponse } from './types.js'

/** Whether the browser origin of `request` may read the answer: the client's origins, or any static client's. */
export function originAllowed(
  context: ServerContext,
  request: AuthorizationServerRequest,
  client: ClientRecord | undefined,
): boolean {
  const origin = requestOrigin(request)
  if (origin === undefined) return false
  return client === undefined
    ? context.staticOrigins.has(origin)
    : (client.allowedOrigins ?? []).includes(origin)
}

/**
 * Headers of an error from an endpoint that authenticates clients: CORS, and `WWW-Authenticate: Basic` on a
 * 401 when the client tried HTTP Basic (RFC 6749 §5.2).
 */
export function clientErrorHeaders(
  context: ServerContext,
  request: AuthorizationServerRequest,
  client: ClientRecord | undefined,
  error: unknown,
): Record<string, string> {
  const headers = corsHeaders(request, originAllowed(context, request, client))
  if (toTokenError(error).status === 401 && usesBasicAuthentication(request))
    headers['WWW-Authenticate'] = 'Basic'
  return headers
}

/**
 * What the POST endpoints that authenticate clients (token, PAR, revocation) answer before reading a body: a
 * CORS preflight, or 405 for another method. `undefined` when the request is a POST to handle.
 */
export function preflightOrWrongMethod(
  context: ServerContext,
  request: AuthorizationServerRequest,
): AuthorizationServerResponse | undefined {
  if (request.method === 'OPTIONS') {
    return preflightResponse(request, originAllowed(context, request, undefined), 'POST')
  }
  if (request.method !== 'POST') return methodNotAllowed('POST, OPTIONS')
  return undefined
}
