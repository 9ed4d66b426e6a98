import { DPoPError } from '@dpop/core'
import type { IntrospectionEvent } from '../observability/events.js'
import { authenticateClient } from './client-authentication.js'
import { clientErrorHeaders } from './client-endpoint.js'
import { type AccessTokenInfo, findAccessToken, findRefreshToken } from './find-token.js'
import { assertFormContentType, MAX_TOKEN_LENGTH, readFormBody, toParameters } from './form-body.js'
import { errorResponse, jsonResponse, methodNotAllowed } from './responses.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord } from './storage.js'
import type { AuthorizationServerRequest, AuthorizationServerResponse } from './types.js'

// Revoked by itself (RFC 7009) or with its whole grant (a replayed code or refresh token, RFC 9700 §4.14).
async function isRevoked(context: ServerContext, info: AccessTokenInfo): Promise<boolean> {
  const { storage } = context
  const checks = [storage.isAccessTokenRevoked(info.jti)]
  if (info.grantId !== undefined) checks.push(storage.isGrantRevoked(info.grantId))
  return (await Promise.all(checks)).includes(true)
}

async function introspectAccessToken(context: ServerContext, _client: ClientRecord, token: string) {
  const info = await findAccessToken(context, token)
  if (info === undefined || (await isRevoked(context, info))) return undefined
  return {
    active: true,
    ...(info.scope === '' ? {} : { scope: info.scope }),
    client_id: info.clientId,
    sub: info.subject,
    aud: info.audience,
    iss: context.config.issuer,
    jti: info.jti,
    iat: info.issuedAt,
    exp: info.expiresAt,
    // RFC 9449 §6.2: the binding and the token type.
    token_type: info.jkt === undefined ? 'Bearer' : 'DPoP',
    ...(info.jkt === undefined ? {} : { cnf: { jkt: info.jkt } }),
  }
}

// A refresh token is only ever presented by its own client: no resource server needs to introspect it,
// so any other client learns nothing about it (RFC 7662 §2.2, §4).
async function introspectRefreshToken(context: ServerContext, client: ClientRecord, token: string) {
  const found = await findRefreshToken(context, token)
  if (
    found === undefined ||
    found.status !== 'active' ||
    found.record.expiresAt <= context.config.now() ||
    found.record.clientId !== client.clientId
  )
    return undefined
  const { record } = found
  return {
    active: true,
    ...(record.scope === '' ? {} : { scope: record.scope }),
    client_id: record.clientId,
    sub: record.subject,
    iss: context.config.issuer,
    iat: record.issuedAt,
    exp: Math.floor(record.expiresAt / 1000),
    ...(record.jkt === undefined ? {} : { cnf: { jkt: record.jkt } }),
  }
}

function introspected(client: ClientRecord, tokenKind: IntrospectionEvent['tokenKind']): IntrospectionEvent {
  return {
    type: 'introspection',
    source: 'authorization-server',
    clientId: client.clientId,
    active: tokenKind !== undefined,
    ...(tokenKind === undefined ? {} : { tokenKind }),
  }
}

/**
 * Token introspection (RFC 7662) for authenticated confidential clients (resource servers). Policy: every
 * access token this server issued is described to any authenticated confidential client (they all share
 * one audience, the resource servers); a refresh token only to the client it was issued to. Anything
 * expired, revoked (by itself or with its grant), rotated, unknown or not described to this client is `{ active: false }`.
 */
export async function handleIntrospection(
  context: ServerContext,
  request: AuthorizationServerRequest,
): Promise<AuthorizationServerResponse> {
  if (request.method !== 'POST') return methodNotAllowed('POST')
  let client: ClientRecord | undefined
  try {
    assertFormContentType(request)
    const parameters = toParameters(readFormBody(request.body), { token: MAX_TOKEN_LENGTH })
    client = (await authenticateClient(context, request, parameters)).client
    if (client.tokenEndpointAuthMethod === 'none') {
      throw new DPoPError('invalid_client', 'public_client', {
        description: 'introspection requires client authentication',
      })
    }
    const token = parameters.get('token')
    if (token === undefined)
      throw new DPoPError('invalid_request', 'token_missing', { description: 'token is required' })
    const hint = parameters.get('token_type_hint')
    const order =
      hint === 'refresh_token'
        ? [introspectRefreshToken, introspectAccessToken]
        : [introspectAccessToken, introspectRefreshToken]
    for (const introspect of order) {
      const answer = await introspect(context, client, token)
      if (answer !== undefined) {
        context.emit?.(
          introspected(client, introspect === introspectAccessToken ? 'access_token' : 'refresh_token'),
        )
        return jsonResponse(200, answer)
      }
    }
    context.emit?.(introspected(client, undefined))
    return jsonResponse(200, { active: false })
  } catch (error) {
    return errorResponse(error, clientErrorHeaders(context, request, client, error))
  }
}
