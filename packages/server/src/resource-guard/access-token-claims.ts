/** Claims of a verified access token: a JWT payload (RFC 9068) or an introspection response (RFC 7662). */
export interface AccessTokenClaims {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
  client_id?: string
  /** Space-separated scopes (RFC 9068 §2.2.3, RFC 7662 §2.2). */
  scope?: string
  /** Confirmation: `jkt` is the thumbprint of the key the token is bound to (RFC 9449 §6). */
  cnf?: { jkt?: string; [name: string]: unknown }
  [name: string]: unknown
}

/**
 * Verifies an access token and returns its claims, or throws. A `DPoPError` is passed on as is (its code
 * kept); any other error means the token is invalid (`invalid_token`).
 */
export type AccessTokenVerifier = (accessToken: string) => Promise<AccessTokenClaims>
