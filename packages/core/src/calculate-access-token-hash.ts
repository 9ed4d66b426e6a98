import { sha256Base64url } from './platform-crypto.js'

/**
 * `ath` of an access token (RFC 9449 §4.2), synchronously where the platform hashes synchronously (Node): the
 * one place the token is checked and hashed, for proof creation and verification alike.
 */
export function accessTokenHash(accessToken: unknown): string | Promise<string> {
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw new TypeError('accessToken must be a non-empty string')
  }
  return sha256Base64url(accessToken)
}

/** The `ath` claim for an access token: base64url(SHA-256(ASCII(token))) (RFC 9449 §4.2). */
export async function calculateAccessTokenHash(accessToken: string): Promise<string> {
  return accessTokenHash(accessToken)
}
