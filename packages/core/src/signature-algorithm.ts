import type { DPoPAlgorithm } from './algorithms.js'

/** Web Crypto parameters of `subtle.sign` and `subtle.verify` for one JWS algorithm. */
export interface SignatureAlgorithm {
  /** The Web Crypto algorithm: `ECDSA`, `RSA-PSS`, `RSASSA-PKCS1-v1_5`, `Ed25519` or `Ed448`. */
  name: string
  /** The digest of an ECDSA signature (`SHA-256`, `SHA-384`, `SHA-512`). */
  hash?: string
  /** The salt length of an RSA-PSS signature, in bytes. */
  saltLength?: number
}

/** Web Crypto parameters of `subtle.verify`/`subtle.sign` for a JWS algorithm (RFC 7518 §3). */
export function signatureAlgorithm(alg: DPoPAlgorithm): SignatureAlgorithm {
  switch (alg) {
    case 'ES256':
      return { name: 'ECDSA', hash: 'SHA-256' }
    case 'ES384':
      return { name: 'ECDSA', hash: 'SHA-384' }
    case 'ES512':
      return { name: 'ECDSA', hash: 'SHA-512' }
    case 'PS256':
      return { name: 'RSA-PSS', saltLength: 32 }
    case 'PS384':
      return { name: 'RSA-PSS', saltLength: 48 }
    case 'PS512':
      return { name: 'RSA-PSS', saltLength: 64 }
    case 'RS256':
    case 'RS384':
    case 'RS512':
      return { name: 'RSASSA-PKCS1-v1_5' }
    // EdDSA: Ed25519 here; a signer with an Ed448 key names the key's curve instead (RFC 8037 §3.1).
    case 'EdDSA':
    case 'Ed25519':
      return { name: 'Ed25519' }
    case 'Ed448':
      return { name: 'Ed448' }
  }
}
