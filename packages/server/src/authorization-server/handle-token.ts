import { DPoPError } from '@dpop/core'
import { checkProof } from './check-proof.js'
import { authenticateClient } from './client-authentication.js'
import { clientErrorHeaders, originAllowed, preflightOrWrongMethod } from './client-endpoint.js'
import { corsHeaders } from './cors.js'
import { assertFormContentType, readFormBody, toParameters } from './form-body.js'
import { authorizationCodeGrant } from './grants/authorization-code.js'
import { clientCredentialsGrant } from './grants/client-credentials.js'
import type { GrantRequest } from './grants/grant-context.js'
import { refreshTokenGrant } from './grants/refresh-token.js'
import type { TokenResponseBody } from './issue-tokens.js'
import { errorResponse, jsonResponse } from './responses.js'
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

/** The token endpoint (RFC 6749 §3.2, §5; RFC 9449 §5, §8, §10). */
export async function handleToken(
  context: ServerContext,
  request: AuthorizationServerRequest,
): Promise<AuthorizationServerResponse> {
  const early = preflightOrWrongMethod(context, request)
  if (early !== undefined) return early
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
