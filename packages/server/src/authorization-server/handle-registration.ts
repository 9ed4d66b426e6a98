import type { JWK } from '@dpop/core'
import { DPoPError, type DPoPErrorReason } from '@dpop/core'
import { isScope } from './config.js'
import { MAX_BODY_LENGTH, singleHeader } from './form-body.js'
import { randomToken, sha256 } from './hash.js'
import { isRedirectUriAllowed } from './redirect-uri.js'
import { errorResponse, jsonResponse, methodNotAllowed } from './responses.js'
import { scopeTokens } from './scope.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord, GrantType, TokenEndpointAuthMethod } from './storage.js'
import type { AuthorizationServerRequest, AuthorizationServerResponse } from './types.js'

const AUTH_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post', 'none']
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

const invalidMetadata = (reason: DPoPErrorReason, description: string) =>
  new DPoPError('invalid_client_metadata', reason, { description })

function readJsonBody(request: AuthorizationServerRequest): Record<string, unknown> {
  const contentType = singleHeader(request, 'content-type')
  if (contentType !== undefined && contentType.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw invalidMetadata('content_type', 'the body must be application/json')
  }
  let body: unknown = request.body
  if (typeof body === 'string') {
    if (body.length > MAX_BODY_LENGTH) throw invalidMetadata('too_large', 'the body is too large')
    try {
      body = JSON.parse(body)
    } catch {
      throw invalidMetadata('json', 'the body must be a JSON object')
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || body instanceof URLSearchParams) {
    throw invalidMetadata('json', 'the body must be a JSON object')
  }
  return body as Record<string, unknown>
}

function stringArray(
  value: unknown,
  name: 'redirect_uris' | 'grant_types' | 'response_types',
): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidMetadata(name, `${name} must be an array of strings`)
  }
  return value
}

function validateJwks(value: unknown): { keys: JWK[] } | undefined {
  if (value === undefined) return undefined
  const keys = (value as { keys?: unknown } | null)?.keys
  if (
    !Array.isArray(keys) ||
    !keys.every(
      (key) =>
        typeof key === 'object' &&
        key !== null &&
        typeof key.kty === 'string' &&
        !PRIVATE_MEMBERS.some((m) => m in key),
    )
  ) {
    throw invalidMetadata('jwks', 'jwks must be a JWK Set of public keys')
  }
  return { keys: keys as JWK[] }
}

/** Validates RFC 7591 §2 client metadata into a client record (without id and secret). */
function validateMetadata(context: ServerContext, metadata: Record<string, unknown>) {
  const redirectUris = stringArray(metadata.redirect_uris, 'redirect_uris') ?? []
  if (!redirectUris.every(isRedirectUriAllowed)) {
    throw new DPoPError('invalid_redirect_uri', 'redirect_uri', {
      description: 'redirect URIs must be absolute, without fragment, and https (or http on a loopback host)',
    })
  }
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic'
  if (typeof method !== 'string' || !AUTH_METHODS.includes(method)) {
    throw invalidMetadata('token_endpoint_auth_method', 'unsupported token_endpoint_auth_method')
  }
  const grantTypes = stringArray(metadata.grant_types, 'grant_types') ?? ['authorization_code']
  if (
    grantTypes.length === 0 ||
    !grantTypes.every((grant) => context.config.enabledGrantTypes.includes(grant as GrantType))
  ) {
    throw invalidMetadata('grant_types', 'unsupported grant_types')
  }
  if (grantTypes.includes('client_credentials') && method === 'none') {
    throw invalidMetadata('grant_types', 'client_credentials requires client authentication')
  }
  const responseTypes =
    stringArray(metadata.response_types, 'response_types') ??
    (grantTypes.includes('authorization_code') ? ['code'] : [])
  if (
    !responseTypes.every((type) => type === 'code') ||
    responseTypes.length > 0 !== grantTypes.includes('authorization_code')
  ) {
    throw invalidMetadata('response_types', 'response_types must be ["code"] exactly with authorization_code')
  }
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
    throw new DPoPError('invalid_redirect_uri', 'redirect_uri_missing', {
      description: 'redirect_uris is required for authorization_code',
    })
  }
  const dpopBound = metadata.dpop_bound_access_tokens ?? false
  if (typeof dpopBound !== 'boolean')
    throw invalidMetadata('dpop_bound_access_tokens', 'dpop_bound_access_tokens must be a boolean')
  const clientName = metadata.client_name
  if (clientName !== undefined && typeof clientName !== 'string')
    throw invalidMetadata('client_name', 'client_name must be a string')
  const scope = metadata.scope
  if (scope !== undefined && (typeof scope !== 'string' || !isScope(scope))) {
    throw invalidMetadata('scope', 'scope must be a space-separated list of scopes')
  }
  const supported = context.config.scopesSupported
  if (
    typeof scope === 'string' &&
    supported !== undefined &&
    !scopeTokens(scope).every((token) => supported.includes(token))
  ) {
    throw invalidMetadata('scope', 'scope holds unsupported values')
  }
  if (metadata.jwks_uri !== undefined)
    throw invalidMetadata('jwks_uri', 'jwks_uri is not supported; send jwks')
  const jwks = validateJwks(metadata.jwks)
  return {
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
    redirectUris,
    grantTypes: grantTypes as GrantType[],
    responseTypes,
    tokenBinding: dpopBound ? ('dpop' as const) : ('allowed' as const),
    ...(typeof clientName === 'string' ? { clientName } : {}),
    ...(typeof scope === 'string' ? { scope } : {}),
    ...(jwks === undefined ? {} : { jwks }),
  }
}

/** Dynamic client registration (RFC 7591 §3), with `dpop_bound_access_tokens` (RFC 9449 §5.2). */
export async function handleRegistration(
  context: ServerContext,
  request: AuthorizationServerRequest,
): Promise<AuthorizationServerResponse> {
  if (request.method !== 'POST') return methodNotAllowed('POST')
  try {
    const { responseTypes, ...metadata } = validateMetadata(context, readJsonBody(request))
    const clientId = randomToken(16)
    const secret = metadata.tokenEndpointAuthMethod === 'none' ? undefined : randomToken()
    const issuedAt = context.nowSeconds()
    const record: ClientRecord = {
      clientId,
      ...metadata,
      issuedAt,
      ...(secret === undefined ? {} : { clientSecretHash: await sha256(secret) }),
    }
    await context.storage.saveClient(record)
    return jsonResponse(201, {
      client_id: clientId,
      ...(secret === undefined ? {} : { client_secret: secret, client_secret_expires_at: 0 }),
      client_id_issued_at: issuedAt,
      redirect_uris: record.redirectUris,
      token_endpoint_auth_method: record.tokenEndpointAuthMethod,
      grant_types: record.grantTypes,
      response_types: responseTypes,
      dpop_bound_access_tokens: record.tokenBinding === 'dpop',
      ...(record.clientName === undefined ? {} : { client_name: record.clientName }),
      ...(record.scope === undefined ? {} : { scope: record.scope }),
      ...(record.jwks === undefined ? {} : { jwks: record.jwks }),
    })
  } catch (error) {
    return errorResponse(error)
  }
}
