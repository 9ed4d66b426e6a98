import { DPoPError } from '@dpop/core'
import { checkProof } from './check-proof.js'
import { authenticateClient, usesBasicAuthentication } from './client-authentication.js'
import { corsHeaders, preflightResponse, requestOrigin } from './cors.js'
import { assertFormContentType, readFormBody, toParameters } from './form-body.js'
import { authorizationCodeGrant } from './grants/authorization-code.js'
import { clientCredentialsGrant } from './grants/client-credentials.js'
import type { GrantRequest } from './grants/grant-context.js'
import { refreshTokenGrant } from './grants/refresh-token.js'
import type { TokenResponseBody } from './issue-tokens.js'
import { errorResponse, jsonResponse, methodNotAllowed, toTokenError } from './responses.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord, GrantType } from './storage.js'
import type { AuthorizationServerRequest, AuthorizationServerResponse } from './types.js'

const GRANTS: Record<
  GrantType,
  (context: ServerContext, request: GrantRequest) => Promise<TokenResponseBody>
> = {
  authorization_code: authorizationCodeGrant,
  client_credentials: clientCredentialsGrant,
  refresh_token: refreshTokenGrant,
}

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

/** The token endpoint (RFC 6749 §3.2, §5; RFC 9449 §5, §8, §10). */
export async function handleToken(
  context: ServerContext,
  request: AuthorizationServerRequest,
): Promise<AuthorizationServerResponse> {
  if (request.method === 'OPTIONS')
    return preflightResponse(request, originAllowed(context, request, undefined), 'POST')
  if (request.method !== 'POST') return methodNotAllowed('POST, OPTIONS')
  let client: ClientRecord | undefined
  try {
    assertFormContentType(request)
    const parameters = toParameters(readFormBody(request.body))
    const grantType = parameters.get('grant_type')
    client = (await authenticateClient(context, request, parameters)).client
    if (grantType === undefined) {
      throw new DPoPError('invalid_request', 'grant_type_missing', { description: 'grant_type is required' })
    }
    if (
      !Object.hasOwn(GRANTS, grantType) ||
      !context.config.enabledGrantTypes.includes(grantType as GrantType)
    ) {
      throw new DPoPError('unsupported_grant_type', 'grant_type', { description: 'unsupported grant_type' })
    }
    if (!client.grantTypes.includes(grantType as GrantType)) {
      throw new DPoPError('unauthorized_client', 'grant_type_not_allowed', {
        description: 'the client may not use this grant_type',
      })
    }
    // RFC 9449 §5.2: a DPoP-bound client must send a proof; core answers `invalid_dpop_proof` (reason `missing`).
    const proof = await checkProof(context, request, context.config.endpoints.token, client, {
      required: client.tokenBinding === 'dpop',
    })
    const body = await GRANTS[grantType as GrantType](context, { client, parameters, proof })
    return jsonResponse(200, body, {
      ...proof?.responseHeaders,
      ...corsHeaders(request, originAllowed(context, request, client)),
    })
  } catch (error) {
    return errorResponse(error, clientErrorHeaders(context, request, client, error))
  }
}
