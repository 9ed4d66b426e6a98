import { ed448Verifiable } from './platform-crypto.js'

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
  | 'Ed448'

// Every asymmetric algorithm of RFC 7518 §3 and RFC 8037 §3.1, and the fully-specified Edwards-curve
// identifiers of RFC 9864 §2.2.
const ALGORITHMS: readonly DPoPAlgorithm[] = [
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
  'Ed448',
]

/**
 * The algorithms this runtime signs and verifies, in one list: accepted and advertised by default
 * (`dpop_signing_alg_values_supported`, the `algs` challenge parameter, RFC 9728 metadata). `Ed448` is in it
 * only where node:crypto verifies Ed448 signatures (checked once, when the module loads, against an RFC 8032
 * test vector): a runtime that could not verify it never advertises it.
 */
export const SUPPORTED_ALGORITHMS: readonly DPoPAlgorithm[] = Object.freeze(
  ALGORITHMS.filter((alg) => alg !== 'Ed448' || ed448Verifiable),
)

/** The algorithms accepted and advertised when none are configured: every supported one. */
export const DEFAULT_ALGORITHMS: readonly DPoPAlgorithm[] = SUPPORTED_ALGORITHMS

/** The smallest RSA modulus accepted, in bits. */
export const MIN_RSA_MODULUS_BITS = 2048

/** The largest RSA modulus accepted, in bits: verifying with larger keys costs too much CPU per proof. */
export const MAX_RSA_MODULUS_BITS = 8192

/** Whether `value` is an algorithm this runtime signs and verifies (one of `SUPPORTED_ALGORITHMS`). */
export function isSupportedAlgorithm(value: unknown): value is DPoPAlgorithm {
  return typeof value === 'string' && (SUPPORTED_ALGORITHMS as readonly string[]).includes(value)
}

/**
 * Validates an algorithm allow-list given by a caller; throws `TypeError` (a configuration mistake). `none`
 * and MAC algorithms are never accepted, whatever the list says.
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
        (ALGORITHMS as readonly unknown[]).includes(alg)
          ? `${option}: ${String(alg)} signatures cannot be verified in this runtime`
          : `${option}: "${String(alg)}" is not an asymmetric JWS algorithm supported for DPoP (${SUPPORTED_ALGORITHMS.join(', ')})`,
      )
    }
  }
  return Object.freeze([...algorithms]) as readonly DPoPAlgorithm[]
}

const CURVE_OF: Partial<Record<DPoPAlgorithm, string>> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
  EdDSA: 'Ed25519',
  Ed25519: 'Ed25519',
  Ed448: 'Ed448',
}

/** The `kty` (and `crv`) of the key `generateKeyPair(alg)` makes (for `EdDSA`: an Ed25519 key). */
export function keyTypeFor(alg: DPoPAlgorithm): { kty: 'EC' | 'RSA' | 'OKP'; crv?: string } {
  const crv = CURVE_OF[alg]
  if (crv === undefined) return { kty: 'RSA' }
  return { kty: alg[0] === 'E' && alg[1] === 'S' ? 'EC' : 'OKP', crv }
}

/**
 * Whether a key of type `kty` on curve `crv` may sign `alg` (RFC 7518 §3.4, RFC 8037 §3.1). `Ed25519` and
 * `Ed448` are bound to their curve (RFC 9864 §2); the polymorphic `EdDSA` takes an Ed25519 key, and an
 * Ed448 key where Ed448 is supported.
 */
export function keyFitsAlgorithm(alg: DPoPAlgorithm, kty: unknown, crv?: unknown): boolean {
  if (alg === 'EdDSA') return kty === 'OKP' && (crv === 'Ed25519' || (crv === 'Ed448' && ed448Verifiable))
  const expected = keyTypeFor(alg)
  return kty === expected.kty && (expected.crv === undefined || crv === expected.crv)
}
