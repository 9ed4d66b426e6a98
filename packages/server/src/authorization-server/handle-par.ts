import { DPoPError } from '@dpop/core'
import { checkProof } from './check-proof.js'
import { authenticateClient } from './client-authentication.js'
import { clientErrorHeaders, originAllowed, preflightOrWrongMethod } from './client-endpoint.js'
import { corsHeaders } from './cors.js'
import { assertFormContentType, readFormBody, toParameters } from './form-body.js'
import { REQUEST_URI_PREFIX } from './handle-authorize.js'
import { randomToken } from './hash.js'
import { errorResponse, jsonResponse } from './responses.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord } from './storage.js'
import type { AuthorizationServerRequest, AuthorizationServerResponse } from './types.js'
import { RedirectableError, validateAuthorizationRequest } from './validate-authorization-request.js'

/**
 * The pushed authorization request endpoint (RFC 9126 §2). A `DPoP` header binds the code to its key as if
 * it were `dpop_jkt`; both at once must agree, else `invalid_dpop_proof` (RFC 9449 §10.1).
 */
export async function handlePushedAuthorizationRequest(
  context: ServerContext,
  request: AuthorizationServerRequest,
): Promise<AuthorizationServerResponse> {
  const early = preflightOrWrongMethod(context, request)
  if (early !== undefined) return early
  let client: ClientRecord | undefined
  try {
    assertFormContentType(request)
    const parameters = toParameters(readFormBody(request.body))
    client = (await authenticateClient(context, request, parameters)).client
    if (parameters.get('request_uri') !== undefined) {
      throw new DPoPError('invalid_request', 'request_uri', {
        description: 'request_uri is not allowed in a pushed request',
      })
    }
    let authorization: Awaited<ReturnType<typeof validateAuthorizationRequest>>
    try {
      authorization = await validateAuthorizationRequest(context, parameters, client)
    } catch (error) {
      // PAR answers every error directly (RFC 9126 §2.3).
      throw error instanceof RedirectableError ? error.error : error
    }
    const proof = await checkProof(
      context,
      request,
      context.config.endpoints.pushedAuthorizationRequest,
      client,
      {
        required: false,
        ...(authorization.dpopJkt === undefined ? {} : { expectedThumbprint: authorization.dpopJkt }),
      },
    )
    const id = randomToken()
    const now = context.config.now()
    await context.storage.savePushedRequest(id, {
      request: {
        ...authorization,
        pushed: true,
        ...(proof === undefined ? {} : { dpopJkt: proof.thumbprint }),
      },
      expiresAt: now + context.config.parLifetime * 1000,
    })
    return jsonResponse(
      201,
      { request_uri: `${REQUEST_URI_PREFIX}${id}`, expires_in: context.config.parLifetime },
      { ...proof?.responseHeaders, ...corsHeaders(request, originAllowed(context, request, client)) },
    )
  } catch (error) {
    return errorResponse(error, clientErrorHeaders(context, request, client, error))
  }
}
