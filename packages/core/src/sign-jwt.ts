import { isSupportedAlgorithm, keyFitsAlgorithm, keyTypeFor } from './algorithms.js'
import { algorithmOfKey } from './key-algorithm.js'
import { encodeTextBase64url } from './platform-crypto.js'
import { signCompact } from './sign-compact.js'
import type { WebCryptoKey } from './web-crypto-key.js'

/**
 * Signs a JWT (RFC 7519) with an asymmetric key: synchronously with node:crypto on Node (no round trip to
 * the Web Crypto thread pool), with Web Crypto elsewhere. `alg` is read from the key unless `header.alg`
 * names another one the key can produce; the header's other members are kept as given.
 */
export function signJwt(
  privateKey: WebCryptoKey,
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
): Promise<string> {
  const derived = algorithmOfKey(privateKey)
  const requested = header.alg ?? derived
  if (!isSupportedAlgorithm(requested)) throw new TypeError('signJwt: unsupported alg')
  const actual = keyTypeFor(derived)
  if (!keyFitsAlgorithm(requested, actual.kty, actual.crv))
    throw new TypeError('signJwt: alg does not fit the key')
  return signCompact(
    requested,
    privateKey,
    encodeTextBase64url(JSON.stringify({ ...header, alg: requested })),
    JSON.stringify(payload),
  )
}
