import { isCanonicalBase64url } from './canonical-base64url.js'
import { decodeBase64url, encodeBase64url, sha256Base64url } from './platform-crypto.js'

// The first 16 bytes of each thumbprint, decoded once per thumbprint string.
const thumbprintPrefixes = new Map<string, Uint8Array>()
const MAX_REMEMBERED_PREFIXES = 10_000

function prefixOf(thumbprint: string): Uint8Array {
  let prefix = thumbprintPrefixes.get(thumbprint)
  if (prefix === undefined) {
    prefix = decodeBase64url(thumbprint).slice(0, 16)
    if (thumbprintPrefixes.size >= MAX_REMEMBERED_PREFIXES) thumbprintPrefixes.clear()
    thumbprintPrefixes.set(thumbprint, prefix)
  }
  return prefix
}

/**
 * The replay key of a proof (RFC 9449 §11.1): 128 bits standing for the pair (key thumbprint, `jti`), as
 * 22 characters of base64url, the same size whatever the `jti`.
 *
 * A `jti` of 128 bits in canonical base64url (what `createProof` and most clients send) is combined with the
 * thumbprint by XOR: one-to-one for each key, so two proofs of one key share a replay key exactly when they
 * share a `jti`. Keys of two clients meet only when `jti₁ ⊕ jti₂` equals the XOR of their thumbprints, which
 * an attacker can arrange only by knowing the other client's `jti` in advance: a proof already seen, whose
 * replay is refused anyway. Any other `jti` is hashed (SHA-256 of `thumbprint.jti`, first 16 bytes). XOR
 * instead of a hash because the hash call, small as it is, cost several percent of a whole verification.
 */
export function replayKeyOf(thumbprint: string, jti: string): string | Promise<string> {
  if (jti.length === 22 && isCanonicalBase64url(jti)) {
    const bytes = decodeBase64url(jti)
    const prefix = prefixOf(thumbprint)
    for (let i = 0; i < 16; i++) bytes[i] = (bytes[i] as number) ^ (prefix[i] as number)
    return encodeBase64url(bytes)
  }
  return sha256Base64url(`${thumbprint}.${jti}`, 16)
}
