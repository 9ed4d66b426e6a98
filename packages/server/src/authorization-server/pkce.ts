import { constantTimeEqual, sha256 } from './hash.js'

const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/
// 32 bytes in unpadded base64url: 43 characters, the last carrying 4 bits and two zero bits (RFC 4648 §3.5).
const SHA256_BASE64URL = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/

/** RFC 7636 §4.1: 43-128 unreserved characters. */
export function isCodeVerifier(value: string): boolean {
  return CODE_VERIFIER.test(value)
}

/** Whether `value` is the canonical base64url encoding of a SHA-256 digest (32 bytes). */
export function isSha256Base64url(value: string): boolean {
  return SHA256_BASE64URL.test(value)
}

/** An S256 challenge is base64url of 32 bytes (RFC 7636 §4.2). */
export function isS256Challenge(value: string): boolean {
  return isSha256Base64url(value)
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
export async function verifyCodeVerifier(verifier: string, challenge: string): Promise<boolean> {
  return constantTimeEqual(await sha256(verifier), challenge)
}
