import { importJWK } from 'jose'
import { type DPoPAlgorithm, isSupportedAlgorithm, keyFitsAlgorithm } from './algorithms.js'
import type { JWK } from './jwk.js'
import type { WebCryptoKey } from './web-crypto-key.js'

/** Options of {@link importJwk}. */
export interface ImportJwkOptions {
  /** Whether the imported key may be exported again. @default false */
  extractable?: boolean
}

/**
 * Imports a public or private JWK as a Web Crypto key for `alg` (a private key when it has `d`). The key must
 * fit `alg` (RFC 9864 §2: an `Ed25519` key is not an `Ed448` one); throws `TypeError` when it does not, or
 * when the JWK is not a valid key.
 */
export async function importJwk(
  jwk: JWK,
  alg: DPoPAlgorithm,
  options: ImportJwkOptions = {},
): Promise<WebCryptoKey> {
  if (!isSupportedAlgorithm(alg)) throw new TypeError('importJwk: unsupported algorithm')
  if (!keyFitsAlgorithm(alg, jwk.kty, jwk.crv)) throw new TypeError('importJwk: the key does not fit alg')
  const extractable = options.extractable ?? false
  const isPrivate = jwk.d !== undefined
  // jose has no Ed448: Web Crypto imports the key members themselves.
  if (jwk.crv === 'Ed448') {
    const members: JsonWebKey = { kty: 'OKP', crv: 'Ed448', ...(jwk.x === undefined ? {} : { x: jwk.x }) }
    if (isPrivate) members.d = jwk.d as string
    return crypto.subtle.importKey('jwk', members, { name: 'Ed448' }, extractable, [
      isPrivate ? 'sign' : 'verify',
    ])
  }
  const key = await importJWK(jwk, alg, { extractable })
  if (!(key instanceof CryptoKey)) throw new TypeError('importJwk: not an asymmetric key')
  return key
}
