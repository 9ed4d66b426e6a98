import type { DPoPAlgorithm } from './algorithms.js'

/**
 * The members of a Node.js `KeyObject` that core reads, declared here so core needs no Node types. Servers
 * that keep PEM keys pass `crypto.createPrivateKey(pem)` and `crypto.createPublicKey(pem)` as they are.
 */
export interface NodeKeyObject {
  /** `private` or `public` for the keys core accepts. */
  readonly type: 'secret' | 'public' | 'private'
  /** `ec`, `rsa`, `ed25519`, `ed448`, … */
  readonly asymmetricKeyType?: string | undefined
  /** Details of the key; core reads the curve of an EC key. */
  readonly asymmetricKeyDetails?: {
    /** The curve of an EC key: `prime256v1`, `secp384r1` or `secp521r1`. */
    namedCurve?: string | undefined
  }
  /** Exports the key as a JWK. */
  export(options: { format: 'jwk' }): Record<string, unknown>
}

/** A key pair of Node.js `KeyObject`s. */
export interface NodeKeyObjectPair {
  /** Signs. */
  privateKey: NodeKeyObject
  /** Verifies; published as a JWK. */
  publicKey: NodeKeyObject
}

/** Tells a Node `KeyObject` from a Web Crypto `CryptoKey` (which has no `export` method). */
export function isNodeKeyObject(key: unknown): key is NodeKeyObject {
  return (
    typeof key === 'object' &&
    key !== null &&
    typeof (key as { export?: unknown }).export === 'function' &&
    typeof (key as { type?: unknown }).type === 'string'
  )
}

const CURVE_ALGORITHMS: Record<string, DPoPAlgorithm> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
}

/** The JWS `alg` a Node key signs with by default (an `rsa` key: RS256). */
export function algorithmOfNodeKey(key: NodeKeyObject): DPoPAlgorithm {
  const details = key.asymmetricKeyDetails
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const alg = CURVE_ALGORITHMS[details?.namedCurve ?? '']
      if (alg !== undefined) return alg
      break
    }
    case 'ed25519':
      return 'EdDSA'
    case 'ed448':
      return 'Ed448'
    case 'rsa':
      return 'RS256'
  }
  // An 'rsa-pss' KeyObject cannot be exported as a JWK by Node: an 'rsa' key signs PS256 with { alg }.
  throw new TypeError(
    'unsupported key: use an EC P-256/384/521, Ed25519, Ed448 or RSA KeyObject (an "rsa" key signs PS256 with alg)',
  )
}
