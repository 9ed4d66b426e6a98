import type { DPoPAlgorithm } from './algorithms.js'
import { LruCache } from './lru-cache.js'
import { importVerificationKey, sha256Base64url, type VerificationKey } from './platform-crypto.js'
import { canonicalJwk, type PublicJwk } from './public-jwk.js'

/** An imported public key of a {@link KeyCache}, with its JWK thumbprint. */
export interface CachedKey {
  /** The key, imported for verifying signatures with the algorithm it was looked up for. */
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

  /**
   * The imported key and thumbprint of a checked public JWK: a plain value when cached or when the platform
   * imports synchronously (Node), else a promise. A key that cannot be imported rejects and is not cached.
   */
  get(jwk: PublicJwk, alg: DPoPAlgorithm): CachedKey | Promise<CachedKey> {
    const canonical = canonicalJwk(jwk)
    const cacheKey = `${alg} ${canonical}`
    const cached = this.#cache.get(cacheKey)
    if (cached !== undefined) return cached
    let imported: VerificationKey | Promise<VerificationKey>
    try {
      imported = importVerificationKey(jwk, alg)
    } catch (error) {
      return Promise.reject(error)
    }
    // The thumbprint is SHA-256 of exactly this canonical form (RFC 7638 §3), hashed once.
    const thumbprint = sha256Base64url(canonical)
    if (!(imported instanceof Promise) && typeof thumbprint === 'string') {
      const value = { key: imported, thumbprint }
      this.#cache.set(cacheKey, value)
      return value
    }
    const entry = Promise.all([imported, thumbprint]).then(([key, hash]) => ({ key, thumbprint: hash }))
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
