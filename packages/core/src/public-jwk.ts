import { base64url } from 'jose'
import {
  type DPoPAlgorithm,
  keyFitsAlgorithm,
  MAX_RSA_MODULUS_BITS,
  MIN_RSA_MODULUS_BITS,
} from './algorithms.js'
import { isCanonicalBase64url } from './canonical-base64url.js'

/** The required public members of a JWK (RFC 7638 §3.2), nothing else. */
export type PublicJwk =
  | {
      /** Elliptic curve key (RFC 7518 §6.2). */
      kty: 'EC'
      /** `P-256`, `P-384` or `P-521`. */
      crv: string
      /** The x coordinate, base64url. */
      x: string
      /** The y coordinate, base64url. */
      y: string
    }
  | {
      /** RSA key (RFC 7518 §6.3). */
      kty: 'RSA'
      /** The public exponent, base64url. */
      e: string
      /** The modulus, base64url. */
      n: string
    }
  | {
      /** Octet key pair: an Edwards-curve key (RFC 8037 §2). */
      kty: 'OKP'
      /** `Ed25519` or `Ed448`. */
      crv: string
      /** The public key, base64url. */
      x: string
    }

export type JwkProblem =
  | 'jwk_missing'
  | 'jwk_private'
  | 'jwk_symmetric'
  | 'jwk_mismatch'
  | 'jwk_invalid'
  | 'jwk_weak'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const
const COORDINATE_BYTES: Record<string, number> = {
  'P-256': 32,
  'P-384': 48,
  'P-521': 66,
  Ed25519: 32,
  Ed448: 57,
}
// Longest canonical encoding of the largest modulus accepted, checked before decoding anything.
const MAX_MODULUS_CHARACTERS = Math.ceil((MAX_RSA_MODULUS_BITS / 8) * (4 / 3))

function decodedLength(value: unknown): number | undefined {
  if (!isCanonicalBase64url(value)) return undefined
  return Math.floor((value.length * 3) / 4)
}

/** Bit length of a big-endian unsigned integer given in its minimal encoding, or undefined if not minimal. */
function bitLength(bytes: Uint8Array): number | undefined {
  const first = bytes[0]
  if (first === undefined || first === 0) return undefined
  return bytes.length * 8 - (Math.clz32(first) - 24)
}

/**
 * An RSA public key a verifier can afford and trust (RFC 7518 §6.3.1): minimal big-endian encodings (so one
 * key has one thumbprint), a modulus of MIN..MAX bits (a huge one costs seconds of CPU per proof), and an
 * odd exponent 3 ≤ e < 2^31 (e = 1 makes every "signature" the message itself; a huge e costs CPU).
 */
function rsaProblem(n: unknown, e: unknown): JwkProblem | undefined {
  if (typeof n !== 'string' || n.length > MAX_MODULUS_CHARACTERS) return 'jwk_invalid'
  if (decodedLength(n) === undefined || typeof e !== 'string' || e.length > 6) return 'jwk_invalid'
  if (decodedLength(e) === undefined) return 'jwk_invalid'
  const modulus = base64url.decode(n)
  const bits = bitLength(modulus)
  if (bits === undefined || bits > MAX_RSA_MODULUS_BITS || ((modulus.at(-1) as number) & 1) === 0) {
    return 'jwk_invalid'
  }
  if (bits < MIN_RSA_MODULUS_BITS) return 'jwk_weak'
  const exponent = base64url.decode(e)
  const exponentBits = bitLength(exponent)
  if (exponentBits === undefined || exponentBits > 31) return 'jwk_invalid'
  let value = 0
  for (const byte of exponent) value = value * 256 + byte
  if (value < 3 || value % 2 === 0) return 'jwk_weak'
  return undefined
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
  // The key must fit alg: its type, and its curve (an `Ed25519` proof with an Ed448 key is refused, RFC 9864 §2).
  if (!keyFitsAlgorithm(alg, members.kty, members.crv)) return 'jwk_mismatch'
  if (members.use !== undefined && members.use !== 'sig') return 'jwk_mismatch'
  if (members.alg !== undefined && members.alg !== alg) return 'jwk_mismatch'

  if (members.kty === 'RSA') {
    const problem = rsaProblem(members.n, members.e)
    if (problem !== undefined) return problem
    return { kty: 'RSA', e: members.e as string, n: members.n as string }
  }
  const crv = members.crv as string
  const coordinateBytes = COORDINATE_BYTES[crv]
  if (decodedLength(members.x) !== coordinateBytes) return 'jwk_invalid'
  if (members.kty === 'OKP') return { kty: 'OKP', crv, x: members.x as string }
  if (decodedLength(members.y) !== coordinateBytes) return 'jwk_invalid'
  return { kty: 'EC', crv, x: members.x as string, y: members.y as string }
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
