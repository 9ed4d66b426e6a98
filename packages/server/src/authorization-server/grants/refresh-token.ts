import { DPoPError, type DPoPErrorReason } from '@dpop/core'
import { sha256 } from '../hash.js'
import { issueTokens, type TokenResponseBody } from '../issue-tokens.js'
import { refuseIfGrantRevoked, revokeGrant } from '../revoke-grant.js'
import { resolveScope } from '../scope.js'
import type { ServerContext } from '../server-context.js'
import { accessTokenJkt, type GrantRequest, refreshTokenJkt } from './grant-context.js'

const invalidGrant = (reason: DPoPErrorReason, description: string) =>
  new DPoPError('invalid_grant', reason, { description })

/**
 * RFC 6749 §6 with rotation: each refresh token is used once and replaced; presenting a used one revokes
 * the whole grant, every refresh and access token issued from it (RFC 9700 §2.2.2, §4.14.2). Bindings (client, DPoP key) are checked before the token is
 * rotated, so a wrong client or key changes nothing.
 */
export async function refreshTokenGrant(
  context: ServerContext,
  request: GrantRequest,
): Promise<TokenResponseBody> {
  const { client, parameters, proof } = request
  const { storage, config } = context
  const token = parameters.get('refresh_token')
  if (token === undefined) {
    throw new DPoPError('invalid_request', 'refresh_token_missing', {
      description: 'refresh_token is required',
    })
  }
  const tokenHash = await sha256(token)
  const lookup = await storage.getRefreshToken(tokenHash)
  if (lookup === undefined) throw invalidGrant('refresh_token_invalid', 'refresh token is invalid')
  const { record } = lookup
  if (record.clientId !== client.clientId)
    throw invalidGrant('client_mismatch', 'refresh token was issued to another client')
  if (record.expiresAt <= config.now()) throw invalidGrant('refresh_token_expired', 'refresh token expired')
  if (record.jkt !== undefined) {
    if (proof === undefined) throw invalidGrant('dpop_proof_missing', 'refresh token is bound to a DPoP key')
    if (proof.thumbprint !== record.jkt) {
      throw invalidGrant(
        'jkt_mismatch',
        'DPoP proof key does not match the key the refresh token is bound to',
      )
    }
  }
  const scope = resolveScope(parameters.get('scope'), record.scope, record.scope)

  const rotation = await storage.rotateRefreshToken(tokenHash)
  if (rotation === undefined) throw invalidGrant('refresh_token_invalid', 'refresh token is invalid')
  if (rotation.status === 'revoked') throw invalidGrant('refresh_token_revoked', 'refresh token was revoked')
  if (rotation.status === 'reused') {
    context.emit?.({ type: 'refresh.reused', source: 'authorization-server', clientId: client.clientId })
    await revokeGrant(context, record.grantId, { cause: 'refresh_token_reused', clientId: client.clientId })
    throw invalidGrant('refresh_token_reused', 'refresh token was already used')
  }
  const tokens = await issueTokens(context, {
    client,
    subject: record.subject,
    scope,
    grantId: record.grantId,
    ...accessTokenJkt(request),
    refreshToken: { scope: record.scope, ...refreshTokenJkt(request) },
  })
  // A reuse of an older token of the grant, at this or another instance, may have raced this rotation.
  await refuseIfGrantRevoked(context, record.grantId, 'refresh_token_revoked', 'refresh token was revoked')
  if (context.emit !== undefined) {
    const binding = refreshTokenJkt(request)
    context.emit({
      type: 'refresh.rotated',
      source: 'authorization-server',
      clientId: client.clientId,
      ...('jkt' in binding ? { thumbprint: binding.jkt } : {}),
    })
  }
  return tokens
}
