import { DPoPError, type DPoPErrorReason, isDPoPError } from '@dpop/core'
import type { Parameters } from './form-body.js'
import { isS256Challenge, isSha256Base64url } from './pkce.js'
import { resolveScope } from './scope.js'
import type { ServerContext } from './server-context.js'
import type { AuthorizationRequestRecord, ClientRecord } from './storage.js'

/** An error to send back to the client's redirect URI (RFC 6749 §4.1.2.1): the redirect URI is valid. */
export class RedirectableError extends Error {
  constructor(
    readonly error: DPoPError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(error.message)
  }
}

const invalidRequest = (reason: DPoPErrorReason, description: string) =>
  new DPoPError('invalid_request', reason, { description })

/** The client of an authorization request; errors here never redirect. */
export async function authorizationClient(
  context: ServerContext,
  parameters: Parameters,
): Promise<ClientRecord> {
  const clientId = parameters.get('client_id')
  if (clientId === undefined) throw invalidRequest('client_id_missing', 'client_id is required')
  const client = await context.getClient(clientId)
  if (client === undefined)
    throw new DPoPError('invalid_client', 'client_unknown', { description: 'unknown client' })
  return client
}

/** The redirect URI: registered exactly (RFC 6749 §3.1.2.3), or the only one registered; errors never redirect. */
export function authorizationRedirectUri(
  client: ClientRecord,
  parameters: Parameters,
): { uri: string; provided: boolean } {
  const given = parameters.get('redirect_uri')
  if (given !== undefined) {
    if (!client.redirectUris.includes(given)) {
      throw invalidRequest('redirect_uri', 'redirect_uri is not registered for this client')
    }
    return { uri: given, provided: true }
  }
  const [only, ...others] = client.redirectUris
  if (only === undefined || others.length > 0)
    throw invalidRequest('redirect_uri_missing', 'redirect_uri is required')
  return { uri: only, provided: false }
}

/**
 * Validates an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3 with S256 required, RFC 9449 §10
 * `dpop_jkt`). Errors about the client or redirect URI are thrown as `DPoPError` (never redirected); the
 * others as `RedirectableError`.
 */
export async function validateAuthorizationRequest(
  context: ServerContext,
  parameters: Parameters,
  authenticatedClient?: ClientRecord,
): Promise<AuthorizationRequestRecord> {
  const client = authenticatedClient ?? (await authorizationClient(context, parameters))
  const redirect = authorizationRedirectUri(client, parameters)
  // A repeated state is an error, but the redirect can only echo a state that is unambiguous.
  const states = parameters.search.getAll('state')
  const state = states.length === 1 && states[0] !== '' ? states[0] : undefined
  try {
    if (states.length > 1) parameters.get('state')
    if (parameters.get('request') !== undefined) {
      throw invalidRequest('request_object', 'request objects are not supported')
    }
    const responseType = parameters.get('response_type')
    if (responseType === undefined) throw invalidRequest('response_type_missing', 'response_type is required')
    if (responseType !== 'code') {
      throw new DPoPError('unsupported_response_type', 'response_type', {
        description: 'only response_type=code is supported',
      })
    }
    const responseMode = parameters.get('response_mode')
    if (responseMode !== undefined && responseMode !== 'query') {
      throw invalidRequest('response_mode', 'only response_mode=query is supported')
    }
    if (!client.grantTypes.includes('authorization_code')) {
      throw new DPoPError('unauthorized_client', 'grant_type_not_allowed', {
        description: 'the client may not use the authorization code grant',
      })
    }
    const codeChallenge = parameters.get('code_challenge')
    if (codeChallenge === undefined) throw invalidRequest('pkce_missing', 'code_challenge is required (PKCE)')
    if (parameters.get('code_challenge_method') !== 'S256') {
      throw invalidRequest('pkce_method', 'code_challenge_method must be S256')
    }
    if (!isS256Challenge(codeChallenge)) throw invalidRequest('pkce_malformed', 'code_challenge is malformed')
    const dpopJkt = parameters.get('dpop_jkt')
    // RFC 9449 §10: a JWK SHA-256 thumbprint (RFC 7638), so exactly 32 bytes in base64url.
    if (dpopJkt !== undefined && !isSha256Base64url(dpopJkt))
      throw invalidRequest('dpop_jkt', 'dpop_jkt is malformed')
    const allowed = client.scope ?? context.config.scopesSupported?.join(' ')
    const scope = resolveScope(parameters.get('scope'), allowed, client.scope ?? '')
    return {
      clientId: client.clientId,
      redirectUri: redirect.uri,
      redirectUriProvided: redirect.provided,
      scope,
      codeChallenge,
      pushed: false,
      ...(state === undefined ? {} : { state }),
      ...(dpopJkt === undefined ? {} : { dpopJkt }),
    }
  } catch (error) {
    if (isDPoPError(error) && error.code !== 'temporarily_unavailable' && error.code !== 'server_error') {
      throw new RedirectableError(error, redirect.uri, state)
    }
    throw error
  }
}
