import { DPoPError } from '@dpop/core'
import { sha256 } from '../hash.js'
import { issueTokens, type TokenResponseBody } from '../issue-tokens.js'
import { isCodeVerifier, verifyCodeVerifier } from '../pkce.js'
import type { ServerContext } from '../server-context.js'
import { accessTokenJkt, type GrantRequest, refreshTokenJkt } from './grant-context.js'

const invalidGrant = (reason: string, description: string) =>
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
  const record = await context.storage.consumeCode(await sha256(code))
  if (record === undefined)
    throw invalidGrant('code_invalid', 'authorization code is invalid or was already used')
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
  return issueTokens(context, {
    client,
    subject: record.subject,
    scope: record.scope,
    ...accessTokenJkt(request),
    ...(client.grantTypes.includes('refresh_token') ? { refreshToken: refreshTokenJkt(request) } : {}),
  })
}
