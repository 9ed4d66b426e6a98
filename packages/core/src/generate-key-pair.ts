import { generateKeyPair as joseGenerateKeyPair } from 'jose'
import {
  type DPoPAlgorithm,
  isSupportedAlgorithm,
  MAX_RSA_MODULUS_BITS,
  MIN_RSA_MODULUS_BITS,
} from './algorithms.js'
import type { DPoPKeyPair } from './create-proof.js'

/** Options of {@link generateKeyPair}. */
export interface GenerateKeyPairOptions {
  /** Whether the private key may be exported. Keep it false unless the key must be stored outside Web Crypto. @default false */
  extractable?: boolean
  /** RSA modulus length in bits (2048 to 8192: verifiers refuse other sizes). @default 2048 */
  modulusLength?: number
}

/**
 * Generates a DPoP key pair for `alg` (`EdDSA` and `Ed25519`: an Ed25519 key; `Ed448`: an Ed448 key, where
 * the runtime supports it); the private key is non-extractable by default.
 */
export async function generateKeyPair(
  alg: DPoPAlgorithm = 'ES256',
  options: GenerateKeyPairOptions = {},
): Promise<DPoPKeyPair> {
  if (!isSupportedAlgorithm(alg)) throw new TypeError('generateKeyPair: unsupported algorithm')
  const extractable = options.extractable ?? false
  const modulusLength = options.modulusLength ?? 2048
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (
      !Number.isInteger(modulusLength) ||
      modulusLength < MIN_RSA_MODULUS_BITS ||
      modulusLength > MAX_RSA_MODULUS_BITS
    ) {
      throw new TypeError('generateKeyPair: modulusLength must be from 2048 to 8192')
    }
  }
  // jose has no Ed448: Web Crypto makes the key (Node's Web Crypto warns once that Ed448 is experimental).
  if (alg === 'Ed448') {
    return crypto.subtle.generateKey({ name: 'Ed448' }, extractable, [
      'sign',
      'verify',
    ]) as Promise<DPoPKeyPair>
  }
  const pair = await joseGenerateKeyPair(alg, {
    extractable,
    modulusLength,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  })
  return { publicKey: pair.publicKey, privateKey: pair.privateKey }
}
