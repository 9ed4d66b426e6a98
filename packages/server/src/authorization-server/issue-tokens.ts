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
  /** The access token's `jti`, when the caller must know it beforehand. @default a random one */
  accessTokenJti?: string
  /**
   * Issue a refresh token in this family (a new family when `familyId` is absent), bound to `jkt`, for
   * `scope` (default the access token's).
   */
  refreshToken?: { familyId?: string; jkt?: string; scope?: string }
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
 * (stored by hash), and optionally a refresh token (stored by hash).
 */
export async function issueTokens(context: ServerContext, grant: TokenGrant): Promise<TokenResponseBody> {
  const { config, storage } = context
  const issuedAt = context.nowSeconds()
  const lifetime = config.accessTokenLifetime
  const expiresAtSeconds = issuedAt + lifetime
  const jti = grant.accessTokenJti ?? randomToken(16)
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
        iat: issuedAt,
        exp: expiresAtSeconds,
      },
    )
  } else {
    accessToken = randomToken()
    await storage.saveAccessToken(await sha256(accessToken), {
      jti,
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
  if (grant.refreshToken !== undefined) {
    const refreshToken = randomToken()
    await storage.saveRefreshToken(await sha256(refreshToken), {
      familyId: grant.refreshToken.familyId ?? randomToken(16),
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
