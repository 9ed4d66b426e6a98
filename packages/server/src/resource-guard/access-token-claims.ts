/** Claims of a verified access token: a JWT payload (RFC 9068) or an introspection response (RFC 7662). */
export interface AccessTokenClaims {
  /** The issuer that issued the token (RFC 7519 §4.1.1). */
  iss?: string
  /** The user, or the client of a client credentials grant (RFC 9068 §2.2). */
  sub?: string
  /** The resources the token is meant for (RFC 7519 §4.1.3). */
  aud?: string | string[]
  /** Expiry, in seconds since the epoch (RFC 7519 §4.1.4). */
  exp?: number
  /** Not valid before, in seconds since the epoch (RFC 7519 §4.1.5). */
  nbf?: number
  /** Issued at, in seconds since the epoch (RFC 7519 §4.1.6). */
  iat?: number
  /** The token's unique identifier (RFC 7519 §4.1.7). */
  jti?: string
  /** The client the token was issued to (RFC 9068 §2.2, RFC 8693 §4.3). */
  client_id?: string
  /** Space-separated scopes (RFC 9068 §2.2.3, RFC 7662 §2.2). */
  scope?: string
  /** Confirmation: `jkt` is the thumbprint of the key the token is bound to (RFC 9449 §6). */
  cnf?: {
    /** The RFC 7638 thumbprint of the key a DPoP proof must be signed with. */
    jkt?: string
    [name: string]: unknown
  }

  [name: string]: unknown
}

/**
 * Verifies an access token and returns its claims, or throws. A `DPoPError` is passed on as is (its code
 * kept); any other error means the token is invalid (`invalid_token`).
 */
export type AccessTokenVerifier = (accessToken: string) => Promise<AccessTokenClaims>
