const SEGMENT = /^[A-Za-z0-9_-]+$/
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * Base64url without padding whose unused trailing bits are zero (RFC 4648 §3.5, RFC 7515 §2), so that one
 * byte string has exactly one encoding: a JWS or a JWK member spelled another way is rejected, not
 * silently read as the same bytes (which would give one key two thumbprints).
 */
export function isCanonicalBase64url(value: unknown): value is string {
  if (typeof value !== 'string' || !SEGMENT.test(value)) return false
  const rest = value.length % 4
  if (rest === 1) return false
  if (rest === 0) return true
  const last = ALPHABET.indexOf(value[value.length - 1] as string)
  return (last & (rest === 2 ? 0b1111 : 0b11)) === 0
}
