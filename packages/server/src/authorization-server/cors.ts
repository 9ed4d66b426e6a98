import type { AuthorizationServerRequest, AuthorizationServerResponse } from './types.js'

const ALLOW_HEADERS = 'Authorization, Content-Type, DPoP'
const EXPOSE_HEADERS = 'DPoP-Nonce, WWW-Authenticate'

function originOf(request: AuthorizationServerRequest): string | undefined {
  const origin = request.header('origin')
  return typeof origin === 'string' ? origin : undefined
}

/**
 * CORS headers of an actual response. `allowed` says whether the request's origin may read it; `'*'`
 * answers any origin (public documents: metadata, JWKS).
 */
export function corsHeaders(
  request: AuthorizationServerRequest,
  allowed: boolean | '*',
): Record<string, string> {
  if (allowed === '*')
    return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSE_HEADERS }
  const origin = originOf(request)
  if (origin === undefined || !allowed) return { Vary: 'Origin' }
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': EXPOSE_HEADERS,
    Vary: 'Origin',
  }
}

/** The answer to an OPTIONS preflight (204). */
export function preflightResponse(
  request: AuthorizationServerRequest,
  allowed: boolean | '*',
  methods: string,
): AuthorizationServerResponse {
  const headers = corsHeaders(request, allowed)
  if (headers['Access-Control-Allow-Origin'] !== undefined) {
    headers['Access-Control-Allow-Methods'] = methods
    headers['Access-Control-Allow-Headers'] = ALLOW_HEADERS
    headers['Access-Control-Max-Age'] = '600'
  }
  return { status: 204, headers, body: '' }
}

export function requestOrigin(request: AuthorizationServerRequest): string | undefined {
  return originOf(request)
}
