import type { DPoPAlgorithm } from './algorithms.js'
import type { WebCryptoKey } from './web-crypto-key.js'

const ECDSA_ALG: Record<string, DPoPAlgorithm> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }

/** The JWS `alg` a Web Crypto key signs with, from its algorithm parameters. */
export function algorithmOfKey(key: WebCryptoKey): DPoPAlgorithm {
  const algorithm = key.algorithm as KeyAlgorithm & { namedCurve?: string; hash?: { name: string } }
  const bits = algorithm.hash?.name.replace('SHA-', '')
  switch (algorithm.name) {
    case 'ECDSA': {
      const alg = ECDSA_ALG[algorithm.namedCurve ?? '']
      if (alg) return alg
      break
    }
    // An Ed25519 key signs the widely accepted `EdDSA` unless asked for `Ed25519` (RFC 9864 §2); an Ed448
    // key its fully-specified identifier.
    case 'Ed25519':
      return 'EdDSA'
    case 'Ed448':
      return 'Ed448'
    case 'RSASSA-PKCS1-v1_5':
      if (bits === '256' || bits === '384' || bits === '512') return `RS${bits}`
      break
    case 'RSA-PSS':
      if (bits === '256' || bits === '384' || bits === '512') return `PS${bits}`
      break
  }
  throw new TypeError(
    'unsupported key: use an ECDSA P-256/384/521, Ed25519, Ed448, RSASSA-PKCS1-v1_5 or RSA-PSS key',
  )
}
