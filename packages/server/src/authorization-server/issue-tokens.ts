import { signJwt } from '@dpop/core'
import { randomToken, sha256 } from './hash.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord } from './storage.js'

export interface TokenGrant {
  client: ClientRecord
  subject: string
  /** Space-separated, possibly empty. */
  scope: string
  /** Thumbprint of the verified DPoP proof's key, when the access token is to be bound (RFC 9449 §6). */
  accessTokenJkt?: string
  /**
   * The grant the tokens belong to (authorization code and refresh grants): the access token carries it
   * (`grant_id` in a JWT, the record of an opaque token) and so does the refresh token, so that revoking
   * the grant revokes them all.
   */
  grantId?: string
  /** Issue a refresh token of the grant, bound to `jkt`, for `scope` (default the access token's). */
  refreshToken?: { jkt?: string; scope?: string }
}

/** The RFC 6749 §5.1 token response body. */
export interface TokenResponseBody {
  access_token: string
  token_type: 'DPoP' | 'Bearer'
  expires_in: number
  scope?: string
  refresh_token?: string
}

/**
 * Issues an access token, JWT (RFC 9068: `typ: at+jwt`, `cnf.jkt` when bound, RFC 9449 §6.1) or opaque
 * (stored by hash), and optionally a refresh token (stored by hash), both carrying the grant's id.
 */
export async function issueTokens(context: ServerContext, grant: TokenGrant): Promise<TokenResponseBody> {
  const { config, storage } = context
  const issuedAt = context.nowSeconds()
  const lifetime = config.accessTokenLifetime
  const expiresAtSeconds = issuedAt + lifetime
  const jti = randomToken(16)
  const grantId = grant.grantId ?? (grant.refreshToken === undefined ? undefined : randomToken(16))
  const format = grant.client.accessTokenFormat ?? config.accessTokenFormat
  let accessToken: string
  if (format === 'jwt') {
    const [key] = await context.signingKeys()
    if (key === undefined) throw new Error('no signing key')
    // RFC 9068 §2.2 claims; signed synchronously on Node (core's signJwt), which the token endpoint feels.
    accessToken = await signJwt(
      key.privateKey,
      { alg: key.alg, typ: 'at+jwt', kid: key.kid },
      {
        client_id: grant.client.clientId,
        ...(grant.scope === '' ? {} : { scope: grant.scope }),
        ...(grant.accessTokenJkt === undefined ? {} : { cnf: { jkt: grant.accessTokenJkt } }),
        iss: config.issuer,
        sub: grant.subject,
        aud: config.audience,
        jti,
        ...(grantId === undefined ? {} : { grant_id: grantId }),
        iat: issuedAt,
        exp: expiresAtSeconds,
      },
    )
  } else {
    accessToken = randomToken()
    await storage.saveAccessToken(await sha256(accessToken), {
      jti,
      ...(grantId === undefined ? {} : { grantId }),
      clientId: grant.client.clientId,
      subject: grant.subject,
      scope: grant.scope,
      audience: config.audience,
      issuedAt,
      expiresAt: expiresAtSeconds * 1000,
      ...(grant.accessTokenJkt === undefined ? {} : { jkt: grant.accessTokenJkt }),
    })
  }
  const body: TokenResponseBody = {
    access_token: accessToken,
    token_type: grant.accessTokenJkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: lifetime,
    ...(grant.scope === '' ? {} : { scope: grant.scope }),
  }
  if (grant.refreshToken !== undefined && grantId !== undefined) {
    const refreshToken = randomToken()
    await storage.saveRefreshToken(await sha256(refreshToken), {
      grantId,
      clientId: grant.client.clientId,
      subject: grant.subject,
      scope: grant.refreshToken.scope ?? grant.scope,
      issuedAt,
      expiresAt: (issuedAt + config.refreshTokenLifetime) * 1000,
      ...(grant.refreshToken.jkt === undefined ? {} : { jkt: grant.refreshToken.jkt }),
    })
    body.refresh_token = refreshToken
  }
  return body
}
