import { constantTimeEqual, sha256 } from './hash.js'

const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/** RFC 7636 §4.1: 43-128 unreserved characters. */
export function isCodeVerifier(value: string): boolean {
  return CODE_VERIFIER.test(value)
}

/** An S256 challenge is base64url of 32 bytes (RFC 7636 §4.2). */
export function isS256Challenge(value: string): boolean {
  return S256_CHALLENGE.test(value)
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
export async function verifyCodeVerifier(verifier: string, challenge: string): Promise<boolean> {
  return constantTimeEqual(await sha256(verifier), challenge)
}
