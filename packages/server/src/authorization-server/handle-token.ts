import { DPoPError } from '@dpop/core'
import type { TokenIssuedEvent } from '../observability/events.js'
import { clock } from '../observability/observer.js'
import { checkProof } from './check-proof.js'
import { authenticateClient } from './client-authentication.js'
import { clientErrorHeaders, originAllowed, preflightOrWrongMethod } from './client-endpoint.js'
import { corsHeaders } from './cors.js'
import { assertFormContentType, readFormBody, toParameters } from './form-body.js'
import { authorizationCodeGrant } from './grants/authorization-code.js'
import { clientCredentialsGrant } from './grants/client-credentials.js'
import { type GrantRequest, refreshTokenJkt } from './grants/grant-context.js'
import { refreshTokenGrant } from './grants/refresh-token.js'
import type { TokenResponseBody } from './issue-tokens.js'
import { errorResponse, jsonResponse, toTokenError } from './responses.js'
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

/** What the token endpoint learnt of a request, for its `token.request` event. */
interface TokenRequestFacts {
  grantType?: GrantType
  clientId?: string
  error?: DPoPError
}

/** The token endpoint (RFC 6749 §3.2, §5; RFC 9449 §5, §8, §10), reported as `token.request` when observed. */
export async function handleToken(
  context: ServerContext,
  request: AuthorizationServerRequest,
): Promise<AuthorizationServerResponse> {
  const { emit } = context
  if (emit === undefined) return tokenEndpoint(context, request, undefined)
  const started = clock()
  const facts: TokenRequestFacts = {}
  const response = await tokenEndpoint(context, request, facts)
  emit({
    type: 'token.request',
    source: 'authorization-server',
    route: context.config.endpoints.token.path,
    method: request.method,
    status: response.status,
    ...(facts.grantType === undefined ? {} : { grantType: facts.grantType }),
    ...(facts.clientId === undefined ? {} : { clientId: facts.clientId }),
    ...(facts.error === undefined ? {} : { error: facts.error.code, reason: facts.error.reason }),
    durationMs: clock() - started,
  })
  return response
}

async function tokenEndpoint(
  context: ServerContext,
  request: AuthorizationServerRequest,
  facts: TokenRequestFacts | undefined,
): Promise<AuthorizationServerResponse> {
  const early = preflightOrWrongMethod(context, request)
  if (early !== undefined) return early
  let client: ClientRecord | undefined
  try {
    assertFormContentType(request)
    const parameters = toParameters(readFormBody(request.body))
    const grantType = parameters.get('grant_type')
    client = (await authenticateClient(context, request, parameters)).client
    if (facts !== undefined) facts.clientId = client.clientId
    if (grantType === undefined) {
      throw new DPoPError('invalid_request', 'grant_type_missing', { description: 'grant_type is required' })
    }
    if (
      !Object.hasOwn(GRANTS, grantType) ||
      !context.config.enabledGrantTypes.includes(grantType as GrantType)
    ) {
      throw new DPoPError('unsupported_grant_type', 'grant_type', { description: 'unsupported grant_type' })
    }
    if (facts !== undefined) facts.grantType = grantType as GrantType
    if (!client.grantTypes.includes(grantType as GrantType)) {
      throw new DPoPError('unauthorized_client', 'grant_type_not_allowed', {
        description: 'the client may not use this grant_type',
      })
    }
    // RFC 9449 §5.2: a DPoP-bound client must send a proof; core answers `invalid_dpop_proof` (reason `missing`).
    const proof = await checkProof(context, request, context.config.endpoints.token, client, {
      required: client.tokenBinding === 'dpop',
    })
    const grantRequest: GrantRequest = { client, parameters, proof }
    const body = await GRANTS[grantType as GrantType](context, grantRequest)
    context.emit?.(tokenIssued(grantType as GrantType, grantRequest, body))
    return jsonResponse(200, body, {
      ...proof?.responseHeaders,
      ...corsHeaders(request, originAllowed(context, request, client)),
    })
  } catch (error) {
    if (facts !== undefined) facts.error = toTokenError(error)
    return errorResponse(error, clientErrorHeaders(context, request, client, error))
  }
}

// What was issued, without the tokens: their type, binding and the client.
function tokenIssued(grantType: GrantType, request: GrantRequest, body: TokenResponseBody): TokenIssuedEvent {
  const { client, proof } = request
  const bound = body.token_type === 'DPoP' && proof !== undefined
  return {
    type: 'token.issued',
    source: 'authorization-server',
    grantType,
    clientId: client.clientId,
    tokenType: body.token_type,
    ...(bound ? { thumbprint: proof.thumbprint } : {}),
    ...(body.refresh_token === undefined
      ? {}
      : {
          refreshTokenBinding: 'jkt' in refreshTokenJkt(request) ? 'dpop' : 'client',
        }),
  }
}
