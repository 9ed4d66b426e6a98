import { encodeBase64url, sha256Base64url } from '@dpop/core'

/** base64url(SHA-256(text)): how secrets, codes and tokens are stored (synchronous on Node). */
export async function sha256(text: string): Promise<string> {
  return sha256Base64url(text)
}

/** 256 random bits, base64url: codes, tokens, ids. */
export function randomToken(bytes = 32): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(bytes)))
}

/**
 * Compares two strings in time independent of where they differ. Callers pass equal-length digests
 * (SHA-256 of secrets), so the length check leaks nothing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index)
  return difference === 0
}
