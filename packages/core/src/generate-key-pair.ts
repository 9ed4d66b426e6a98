import { generateKeyPair as joseGenerateKeyPair } from 'jose'
import {
  type DPoPAlgorithm,
  isSupportedAlgorithm,
  MAX_RSA_MODULUS_BITS,
  MIN_RSA_MODULUS_BITS,
} from './algorithms.js'

export interface GenerateKeyPairOptions {
  /** Whether the private key may be exported. Keep it false unless the key must be stored outside Web Crypto. @default false */
  extractable?: boolean
  /** RSA modulus length in bits (2048 to 8192: verifiers refuse other sizes). @default 2048 */
  modulusLength?: number
}

/** Generates a DPoP key pair for `alg`; the private key is non-extractable by default. */
export async function generateKeyPair(
  alg: DPoPAlgorithm = 'ES256',
  options: GenerateKeyPairOptions = {},
): Promise<CryptoKeyPair> {
  if (!isSupportedAlgorithm(alg)) throw new TypeError('generateKeyPair: unsupported algorithm')
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
  const pair = await joseGenerateKeyPair(alg, {
    extractable: options.extractable ?? false,
    modulusLength,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  })
  return { publicKey: pair.publicKey, privateKey: pair.privateKey }
}
