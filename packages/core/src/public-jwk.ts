import { base64url } from 'jose'
import { type DPoPAlgorithm, keyTypeFor, MIN_RSA_MODULUS_BITS } from './algorithms.js'

/** The required public members of a JWK (RFC 7638 §3.2), nothing else. */
export type PublicJwk =
  | { kty: 'EC'; crv: string; x: string; y: string }
  | { kty: 'RSA'; e: string; n: string }
  | { kty: 'OKP'; crv: string; x: string }

export type JwkProblem =
  | 'jwk_missing'
  | 'jwk_private'
  | 'jwk_symmetric'
  | 'jwk_mismatch'
  | 'jwk_invalid'
  | 'jwk_weak'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const
const B64URL = /^[A-Za-z0-9_-]+$/
const COORDINATE_BYTES: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, Ed25519: 32 }

function decodedLength(value: unknown): number | undefined {
  if (typeof value !== 'string' || !B64URL.test(value) || value.length % 4 === 1) return undefined
  return Math.floor((value.length * 3) / 4)
}

/**
 * Checks that `jwk` is a public key usable with `alg` and returns its canonical members (RFC 7638),
 * or the reason it is not.
 */
export function toPublicJwk(jwk: unknown, alg: DPoPAlgorithm): PublicJwk | JwkProblem {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'jwk_missing'
  const members = jwk as Record<string, unknown>
  if (members.kty === 'oct') return 'jwk_symmetric'
  for (const name of PRIVATE_MEMBERS) if (name in members) return 'jwk_private'
  const expected = keyTypeFor(alg)
  if (members.kty !== expected.kty) return 'jwk_mismatch'
  if (expected.crv !== undefined && members.crv !== expected.crv) return 'jwk_mismatch'
  if (members.use !== undefined && members.use !== 'sig') return 'jwk_mismatch'
  if (members.alg !== undefined && members.alg !== alg) return 'jwk_mismatch'

  if (expected.kty === 'RSA') {
    const modulusBytes = decodedLength(members.n)
    if (modulusBytes === undefined || decodedLength(members.e) === undefined) return 'jwk_invalid'
    const modulus = base64url.decode(members.n as string)
    let leadingZeroBits = 0
    for (const byte of modulus) {
      if (byte !== 0) {
        leadingZeroBits += Math.clz32(byte) - 24
        break
      }
      leadingZeroBits += 8
    }
    if (modulus.length * 8 - leadingZeroBits < MIN_RSA_MODULUS_BITS) return 'jwk_weak'
    return { kty: 'RSA', e: members.e as string, n: members.n as string }
  }
  const coordinateBytes = COORDINATE_BYTES[expected.crv as string]
  if (decodedLength(members.x) !== coordinateBytes) return 'jwk_invalid'
  if (expected.kty === 'OKP') return { kty: 'OKP', crv: expected.crv as string, x: members.x as string }
  if (decodedLength(members.y) !== coordinateBytes) return 'jwk_invalid'
  return { kty: 'EC', crv: expected.crv as string, x: members.x as string, y: members.y as string }
}

/** The RFC 7638 canonical JSON of a public JWK: required members in lexicographic order. */
export function canonicalJwk(jwk: PublicJwk): string {
  switch (jwk.kty) {
    case 'EC':
      return `{"crv":"${jwk.crv}","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`
    case 'RSA':
      return `{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`
    case 'OKP':
      return `{"crv":"${jwk.crv}","kty":"OKP","x":"${jwk.x}"}`
  }
}
