/** Asymmetric JWS algorithms a DPoP proof may use (RFC 9449 §4.2: never `none`, never a MAC). */
export type DPoPAlgorithm =
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'EdDSA'
  | 'Ed25519'

export const SUPPORTED_ALGORITHMS: readonly DPoPAlgorithm[] = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'EdDSA',
  'Ed25519',
])

/** The algorithms accepted when none are configured. */
export const DEFAULT_ALGORITHMS: readonly DPoPAlgorithm[] = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'RS256',
  'EdDSA',
])

/** The smallest RSA modulus accepted, in bits. */
export const MIN_RSA_MODULUS_BITS = 2048

/** The largest RSA modulus accepted, in bits: verifying with larger keys costs too much CPU per proof. */
export const MAX_RSA_MODULUS_BITS = 8192

export function isSupportedAlgorithm(value: unknown): value is DPoPAlgorithm {
  return typeof value === 'string' && (SUPPORTED_ALGORITHMS as readonly string[]).includes(value)
}

/**
 * Validates an algorithm allow-list given by a caller; throws `TypeError` (a configuration mistake).
 */
export function assertAlgorithms(
  algorithms: readonly string[],
  option = 'algorithms',
): readonly DPoPAlgorithm[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new TypeError(`${option} must be a non-empty array of: ${SUPPORTED_ALGORITHMS.join(', ')}`)
  }
  for (const alg of algorithms) {
    if (!isSupportedAlgorithm(alg)) {
      throw new TypeError(
        `${option}: "${String(alg)}" is not an asymmetric JWS algorithm supported for DPoP (${SUPPORTED_ALGORITHMS.join(', ')})`,
      )
    }
  }
  return Object.freeze([...algorithms]) as readonly DPoPAlgorithm[]
}

const CURVE_OF: Partial<Record<DPoPAlgorithm, string>> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
}

/** The `kty` (and `crv`) a key for `alg` must have. */
export function keyTypeFor(alg: DPoPAlgorithm): { kty: 'EC' | 'RSA' | 'OKP'; crv?: string } {
  const crv = CURVE_OF[alg]
  if (crv !== undefined) return { kty: 'EC', crv }
  if (alg === 'EdDSA' || alg === 'Ed25519') return { kty: 'OKP', crv: 'Ed25519' }
  return { kty: 'RSA' }
}
