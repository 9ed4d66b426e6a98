import { importJWK } from 'jose'
import type { DPoPAlgorithm } from './algorithms.js'
import { LruCache } from './lru-cache.js'
import {
  ed448VerificationKey,
  sha256Base64url,
  toVerificationKey,
  type VerificationKey,
} from './platform-crypto.js'
import { canonicalJwk, type PublicJwk } from './public-jwk.js'

export interface CachedKey {
  key: VerificationKey
  /** RFC 7638 thumbprint. */
  thumbprint: string
}

/**
 * Imported public keys by algorithm and canonical JWK, so a client's key is imported and hashed once.
 * Settled entries are kept as plain values so the hot path does not wait on a promise.
 */
export class KeyCache {
  readonly #cache: LruCache<string, CachedKey | Promise<CachedKey>>
  constructor(maxEntries = 1000) {
    this.#cache = new LruCache(maxEntries)
  }

  get(jwk: PublicJwk, alg: DPoPAlgorithm): CachedKey | Promise<CachedKey> {
    const canonical = canonicalJwk(jwk)
    const cacheKey = `${alg} ${canonical}`
    const cached = this.#cache.get(cacheKey)
    if (cached !== undefined) return cached
    const entry = (async () => {
      const [key, thumbprint] = await Promise.all([
        // jose has no Ed448: node:crypto imports it.
        jwk.kty === 'OKP' && jwk.crv === 'Ed448'
          ? ed448VerificationKey(jwk.x)
          : (importJWK({ ...jwk, ext: true }, alg) as Promise<CryptoKey>).then(toVerificationKey),
        // The thumbprint is SHA-256 of exactly this canonical form (RFC 7638 §3).
        sha256Base64url(canonical),
      ])
      return { key, thumbprint }
    })()
    this.#cache.set(cacheKey, entry)
    entry.then(
      (value) => {
        if (this.#cache.get(cacheKey) === entry) this.#cache.set(cacheKey, value)
      },
      // A key that failed to import must not stay cached as a rejection.
      () => this.#cache.delete(cacheKey),
    )
    return entry
  }
}
