import { importJWK } from 'jose'
import type { DPoPAlgorithm } from './algorithms.js'
import { LruCache } from './lru-cache.js'
import { canonicalJwk, type PublicJwk } from './public-jwk.js'
import { sha256Base64url } from './sha256.js'

export interface CachedKey {
  key: CryptoKey
  /** RFC 7638 thumbprint. */
  thumbprint: string
}

/** Imported public keys by algorithm and canonical JWK, so a client's key is imported and hashed once. */
export class KeyCache {
  readonly #cache: LruCache<string, Promise<CachedKey>>
  constructor(maxEntries = 1000) {
    this.#cache = new LruCache(maxEntries)
  }

  get(jwk: PublicJwk, alg: DPoPAlgorithm): Promise<CachedKey> {
    const canonical = canonicalJwk(jwk)
    const cacheKey = `${alg} ${canonical}`
    const cached = this.#cache.get(cacheKey)
    if (cached !== undefined) return cached
    const entry = (async () => {
      const [key, thumbprint] = await Promise.all([
        importJWK({ ...jwk, ext: true }, alg) as Promise<CryptoKey>,
        // The thumbprint is SHA-256 of exactly this canonical form (RFC 7638 §3).
        sha256Base64url(canonical),
      ])
      return { key, thumbprint }
    })()
    this.#cache.set(cacheKey, entry)
    // A key that failed to import must not stay cached as a rejection.
    entry.catch(() => this.#cache.delete(cacheKey))
    return entry
  }
}
