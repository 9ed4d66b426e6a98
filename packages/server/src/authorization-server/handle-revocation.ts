import { DPoPError } from '@dpop/core'
import { authenticateClient } from './client-authentication.js'
import { clientErrorHeaders, originAllowed, preflightOrWrongMethod } from './client-endpoint.js'
import { corsHeaders } from './cors.js'
import { findAccessToken, findRefreshToken } from './find-token.js'
import { assertFormContentType, MAX_TOKEN_LENGTH, readFormBody, toParameters } from './form-body.js'
import { errorResponse } from './responses.js'
import { revokeGrant } from './revoke-grant.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord } from './storage.js'
import type { AuthorizationServerRequest, AuthorizationServerResponse } from './types.js'

const notYours = () =>
  new DPoPError('unauthorized_client', 'token_client_mismatch', {
    description: 'the token was not issued to this client',
  })

async function revokeRefreshToken(
  context: ServerContext,
  client: ClientRecord,
  token: string,
): Promise<boolean> {
  const found = await findRefreshToken(context, token)
  if (found === undefined) return false
  if (found.record.clientId !== client.clientId) throw notYours()
  // RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the access tokens of its grant.
  await revokeGrant(context, found.record.grantId, { cause: 'revocation', clientId: client.clientId })
  return true
}

async function revokeAccessToken(
  context: ServerContext,
  client: ClientRecord,
  token: string,
): Promise<boolean> {
  const info = await findAccessToken(context, token)
  if (info === undefined) return false
  if (info.clientId !== client.clientId) throw notYours()
  await context.storage.revokeAccessToken(info.jti, info.expiresAt * 1000)
  return true
}

/**
 * Token revocation (RFC 7009): a refresh token revokes its whole grant (every refresh and access token
 * issued from it, §2.1), an access token is remembered as revoked (by `jti`) until it expires. Unknown tokens answer 200 (§2.2); a client may only revoke its own.
 */
export async function handleRevocation(
  context: ServerContext,
  request: AuthorizationServerRequest,
): Promise<AuthorizationServerResponse> {
  const early = preflightOrWrongMethod(context, request)
  if (early !== undefined) return early
  let client: ClientRecord | undefined
  try {
    assertFormContentType(request)
    const parameters = toParameters(readFormBody(request.body), { token: MAX_TOKEN_LENGTH })
    client = (await authenticateClient(context, request, parameters)).client
    const token = parameters.get('token')
    if (token === undefined)
      throw new DPoPError('invalid_request', 'token_missing', { description: 'token is required' })
    const order =
      parameters.get('token_type_hint') === 'refresh_token'
        ? [revokeRefreshToken, revokeAccessToken]
        : [revokeAccessToken, revokeRefreshToken]
    for (const revoke of order) if (await revoke(context, client, token)) break
    return {
      status: 200,
      headers: {
        'Cache-Control': 'no-store',
        ...corsHeaders(request, originAllowed(context, request, client)),
      },
      body: '',
    }
  } catch (error) {
    return errorResponse(error, clientErrorHeaders(context, request, client, error))
  }
}
