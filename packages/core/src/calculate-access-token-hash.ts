import { sha256Base64url } from './sha256.js'

/** The `ath` claim for an access token: base64url(SHA-256(ASCII(token))) (RFC 9449 §4.2). */
export function calculateAccessTokenHash(accessToken: string): Promise<string> {
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    return Promise.reject(new TypeError('accessToken must be a non-empty string'))
  }
  return sha256Base64url(accessToken)
}
