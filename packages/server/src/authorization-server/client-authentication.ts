import { DPoPError, type DPoPErrorReason, parseAuthorization } from '@dpop/core'
import { base64url } from 'jose'
import type { Parameters } from './form-body.js'
import { constantTimeEqual, sha256 } from './hash.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord, TokenEndpointAuthMethod } from './storage.js'
import type { AuthorizationServerRequest } from './types.js'

export interface AuthenticatedClient {
  client: ClientRecord
  method: TokenEndpointAuthMethod
}

const decoder = new TextDecoder('utf-8', { fatal: true })
// A digest to compare against when the client is unknown, so timing does not tell which ids exist.
const UNKNOWN_CLIENT_HASH = 'A'.repeat(43)

const invalidClient = (reason: DPoPErrorReason, description = 'client authentication failed') =>
  new DPoPError('invalid_client', reason, { description })

/** Whether the request carries HTTP Basic credentials (then a 401 carries `WWW-Authenticate: Basic`). */
export function usesBasicAuthentication(request: AuthorizationServerRequest): boolean {
  const header = request.header('authorization')
  const value = typeof header === 'string' ? header : header?.[0]
  return value !== undefined && /^basic /i.test(value.trim())
}

// RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined with ':' and base64-encoded.
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    throw invalidClient('basic_malformed', 'malformed Basic credentials')
  }
}

// RFC 7617 §2: the credentials are standard base64 (no base64url, '.' or '~' that token68 would allow).
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

function parseBasic(request: AuthorizationServerRequest): { clientId: string; secret: string } | undefined {
  let credentials: ReturnType<typeof parseAuthorization>
  try {
    credentials = parseAuthorization(request.header('authorization'))
  } catch (cause) {
    // A malformed Authorization header is a failed client authentication (RFC 6749 §5.2: 401).
    throw new DPoPError('invalid_client', 'authorization_malformed', {
      description: 'malformed Authorization header',
      cause,
    })
  }
  if (credentials === undefined) return undefined
  if (credentials.scheme !== 'basic')
    throw invalidClient('authorization_scheme', 'unsupported Authorization scheme')
  if (!BASE64.test(credentials.token)) throw invalidClient('basic_malformed', 'malformed Basic credentials')
  let decoded: string
  try {
    decoded = decoder.decode(
      base64url.decode(credentials.token.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')),
    )
  } catch {
    throw invalidClient('basic_malformed', 'malformed Basic credentials')
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) throw invalidClient('basic_malformed', 'malformed Basic credentials')
  return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) }
}

/**
 * Authenticates the client (RFC 6749 §2.3): `client_secret_basic`, `client_secret_post` or `none` (a
 * `client_id` alone). Using two methods at once is `invalid_request`; anything else that fails is
 * `invalid_client`, including a method the client is not registered for.
 */
export async function authenticateClient(
  context: ServerContext,
  request: AuthorizationServerRequest,
  parameters: Parameters,
): Promise<AuthenticatedClient> {
  const basic = parseBasic(request)
  const bodyId = parameters.get('client_id')
  const bodySecret = parameters.get('client_secret')
  if (basic !== undefined && bodySecret !== undefined) {
    throw new DPoPError('invalid_request', 'multiple_client_authentication', {
      description: 'use one client authentication method',
    })
  }
  if (basic !== undefined && bodyId !== undefined && bodyId !== basic.clientId) {
    throw new DPoPError('invalid_request', 'client_id_mismatch', {
      description: 'client_id does not match the authenticated client',
    })
  }
  const method: TokenEndpointAuthMethod =
    basic !== undefined ? 'client_secret_basic' : bodySecret !== undefined ? 'client_secret_post' : 'none'
  const clientId = basic?.clientId ?? bodyId
  if (clientId === undefined) throw invalidClient('client_id_missing', 'client authentication required')
  const secret = basic?.secret ?? bodySecret
  const client = await context.getClient(clientId)
  if (client === undefined) {
    if (secret !== undefined) constantTimeEqual(await sha256(secret), UNKNOWN_CLIENT_HASH)
    throw invalidClient('client_unknown')
  }
  const accepted = client.acceptedAuthMethods ?? [client.tokenEndpointAuthMethod]
  if (!accepted.includes(method)) throw invalidClient('auth_method')
  if (method !== 'none') {
    const presented = await sha256(secret as string)
    if (client.clientSecretHash === undefined || !constantTimeEqual(presented, client.clientSecretHash)) {
      throw invalidClient('client_secret')
    }
  }
  return { client, method }
}
