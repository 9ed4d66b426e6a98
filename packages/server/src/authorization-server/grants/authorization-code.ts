import { DPoPError, type DPoPErrorReason } from '@dpop/core'
import { randomToken, sha256 } from '../hash.js'
import { issueTokens, type TokenResponseBody } from '../issue-tokens.js'
import { isCodeVerifier, verifyCodeVerifier } from '../pkce.js'
import { refuseIfGrantRevoked, revokeGrant } from '../revoke-grant.js'
import type { ServerContext } from '../server-context.js'
import { accessTokenJkt, type GrantRequest, refreshTokenJkt } from './grant-context.js'

const invalidGrant = (reason: DPoPErrorReason, description: string) =>
  new DPoPError('invalid_grant', reason, { description })

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6) and `dpop_jkt` (RFC 9449 §10). The code is consumed before
 * it is checked, so it is single-use even under concurrent redemption, and a failed attempt burns it.
 */
export async function authorizationCodeGrant(
  context: ServerContext,
  request: GrantRequest,
): Promise<TokenResponseBody> {
  const { client, parameters, proof } = request
  const code = parameters.get('code')
  const verifier = parameters.get('code_verifier')
  const redirectUri = parameters.get('redirect_uri')
  if (code === undefined)
    throw new DPoPError('invalid_request', 'code_missing', { description: 'code is required' })
  if (verifier === undefined || !isCodeVerifier(verifier)) {
    throw new DPoPError('invalid_request', 'code_verifier', {
      description: 'a valid code_verifier is required',
    })
  }
  const codeHash = await sha256(code)
  const record = await context.storage.consumeCode(codeHash)
  if (record === undefined) {
    await revokeRedemption(context, codeHash, client.clientId)
    throw invalidGrant('code_invalid', 'authorization code is invalid or was already used')
  }
  if (record.expiresAt <= context.config.now())
    throw invalidGrant('code_expired', 'authorization code expired')
  const authorization = record.request
  if (authorization.clientId !== client.clientId) {
    throw invalidGrant('client_mismatch', 'authorization code was issued to another client')
  }
  const redirectMatches = authorization.redirectUriProvided
    ? redirectUri === authorization.redirectUri
    : redirectUri === undefined || redirectUri === authorization.redirectUri
  if (!redirectMatches)
    throw invalidGrant('redirect_uri', 'redirect_uri does not match the authorization request')
  if (!(await verifyCodeVerifier(verifier, authorization.codeChallenge))) {
    throw invalidGrant('pkce', 'code_verifier does not match the code_challenge')
  }
  if (authorization.dpopJkt !== undefined) {
    if (proof === undefined)
      throw invalidGrant('dpop_jkt_missing', 'authorization code is bound to a DPoP key')
    if (proof.thumbprint !== authorization.dpopJkt) {
      throw invalidGrant('jkt_mismatch', 'DPoP proof key does not match the key the code is bound to')
    }
  }
  const withRefreshToken = client.grantTypes.includes('refresh_token')
  const grantId = randomToken(16)
  const { storage, config } = context
  // Recorded before the tokens exist, so that a replay racing this request still revokes them.
  if (storage.saveCodeRedemption !== undefined) {
    const lifetime = withRefreshToken ? config.refreshTokenLifetime : config.accessTokenLifetime
    await storage.saveCodeRedemption(codeHash, { grantId, expiresAt: config.now() + lifetime * 1000 })
  }
  const tokens = await issueTokens(context, {
    client,
    subject: record.subject,
    scope: record.scope,
    grantId,
    ...accessTokenJkt(request),
    ...(withRefreshToken ? { refreshToken: refreshTokenJkt(request) } : {}),
  })
  await refuseIfGrantRevoked(context, grantId, 'code_invalid', 'authorization code was used again')
  return tokens
}

/**
 * A code presented again after it was redeemed: revoke the grant it started, every access and refresh
 * token issued from it (RFC 6749 §4.1.2 SHOULD, RFC 9700 §4.14.2), once. Storage without the optional
 * redemption methods only refuses the code.
 */
async function revokeRedemption(context: ServerContext, codeHash: string, clientId: string): Promise<void> {
  const { storage } = context
  if (storage.consumeCodeRedemption === undefined) return
  const redemption = await storage.consumeCodeRedemption(codeHash)
  if (redemption !== undefined)
    await revokeGrant(context, redemption.grantId, { cause: 'code_reused', clientId })
}
