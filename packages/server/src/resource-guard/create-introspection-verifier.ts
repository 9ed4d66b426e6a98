import { DPoPError, type DPoPErrorReason } from '@dpop/core'
import type { AccessTokenClaims, AccessTokenVerifier } from './access-token-claims.js'
import { invalidToken } from './invalid-token.js'

/** How a resource guard asks the authorization server about each token (RFC 7662 introspection). */
export interface IntrospectionOptions {
  /** The authorization server's introspection endpoint (RFC 7662 §2). */
  endpoint: string | URL
  /** This resource server's client id at the authorization server. */
  clientId: string
  /** The client secret; sent per `clientAuthentication`. Required unless `headers` authenticate the call. */
  clientSecret?: string
  /** How the secret is sent (RFC 6749 §2.3.1). @default 'client_secret_basic' */
  clientAuthentication?: 'client_secret_basic' | 'client_secret_post'
  /** Extra request headers, such as an `Authorization` of another kind. */
  headers?: Record<string, string>
  /** Request timeout in milliseconds. @default 5000 */
  timeout?: number
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch
}

// RFC 6749 §2.3.1: client_id and secret are form-urlencoded before the Basic encoding.
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+')
}

function unavailable(reason: DPoPErrorReason, cause?: unknown): DPoPError {
  return new DPoPError('temporarily_unavailable', reason, {
    description: 'token introspection unavailable',
    ...(cause === undefined ? {} : { cause }),
  })
}

/**
 * Verifies opaque (or any) access tokens with an RFC 7662 introspection request. `active: false` is
 * `invalid_token`; an unreachable or failing endpoint fails closed with 503 `temporarily_unavailable`.
 */
export function createIntrospectionVerifier(options: IntrospectionOptions): AccessTokenVerifier {
  let endpoint: URL
  try {
    endpoint = new URL(options.endpoint)
  } catch {
    throw new TypeError('createResourceGuard: introspection.endpoint must be an absolute URL')
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') {
    throw new TypeError(
      'createResourceGuard: introspection.endpoint must use https (or http on a private network)',
    )
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new TypeError('createResourceGuard: introspection.clientId is required')
  }
  const mode = options.clientAuthentication ?? 'client_secret_basic'
  if (mode !== 'client_secret_basic' && mode !== 'client_secret_post') {
    throw new TypeError(
      'createResourceGuard: introspection.clientAuthentication must be client_secret_basic or client_secret_post',
    )
  }
  const hasAuthorizationHeader = Object.keys(options.headers ?? {}).some(
    (name) => name.toLowerCase() === 'authorization',
  )
  if (options.clientSecret === undefined && !hasAuthorizationHeader) {
    throw new TypeError(
      'createResourceGuard: introspection needs clientSecret, or an Authorization header in headers',
    )
  }
  const timeout = options.timeout ?? 5000
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new TypeError(
      'createResourceGuard: introspection.timeout must be a positive number of milliseconds',
    )
  }
  const fetchImpl = options.fetch ?? globalThis.fetch
  const headers: Record<string, string> = {
    ...options.headers,
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  }
  const baseBody = new URLSearchParams()
  if (options.clientSecret !== undefined && mode === 'client_secret_basic') {
    const credentials = `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`
    headers['Authorization'] = `Basic ${btoa(credentials)}`
  } else {
    baseBody.set('client_id', options.clientId)
    if (options.clientSecret !== undefined) baseBody.set('client_secret', options.clientSecret)
  }

  return async (accessToken) => {
    const body = new URLSearchParams(baseBody)
    body.set('token', accessToken)
    body.set('token_type_hint', 'access_token')
    let response: Response
    try {
      response = await fetchImpl(endpoint, {
        method: 'POST',
        headers,
        body: body.toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(timeout),
      })
    } catch (cause) {
      throw unavailable('introspection_unreachable', cause)
    }
    if (response.status !== 200) {
      await response.body?.cancel()
      throw unavailable('introspection_failed', { status: response.status })
    }
    let result: unknown
    try {
      result = await response.json()
    } catch (cause) {
      throw unavailable('introspection_malformed', cause)
    }
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      throw unavailable('introspection_malformed')
    }
    const { active, ...claims } = result as Record<string, unknown>
    if (active !== true) throw invalidToken('token_inactive')
    return claims as AccessTokenClaims
  }
}
