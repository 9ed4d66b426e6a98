import { base64url } from 'jose'

/** 32 random bytes, base64url: 43 characters, within RFC 7636 §4.1's 43–128. */
export function randomToken(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)))
}

/** The S256 code challenge of a verifier (RFC 7636 §4.2). */
export async function codeChallengeOf(codeVerifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier))
  return base64url.encode(new Uint8Array(digest))
}
