import { LruCache } from '@dpop/core'
import type { AccessTokenClaims } from './access-token-claims.js'

export interface TokenCache {
  /** Claims cached for `key`, or verified by `verify` once however many requests ask at the same time. */
  get(key: string, verify: () => Promise<AccessTokenClaims>): Promise<AccessTokenClaims>
}

interface Entry {
  claims: AccessTokenClaims
  expiresAt: number
}

/**
 * A bounded LRU of verified claims keyed by the token hash: each entry lives until the token's `exp` or
 * `maxAge`, whichever comes first, so revocation seen by introspection is honoured within `maxAge`.
 */
export function createTokenCache(maxEntries: number, maxAge: number, now: () => number): TokenCache {
  const entries = new LruCache<string, Entry>(maxEntries)
  const pending = new Map<string, Promise<AccessTokenClaims>>()
  return {
    get(key, verify) {
      const at = now()
      const entry = entries.get(key)
      if (entry !== undefined) {
        if (entry.expiresAt > at) return Promise.resolve(entry.claims)
        entries.delete(key)
      }
      let promise = pending.get(key)
      if (promise === undefined) {
        promise = verify().then(
          (claims) => {
            pending.delete(key)
            const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY
            entries.set(key, { claims, expiresAt: Math.min(exp, now() + maxAge * 1000) })
            return claims
          },
          (error: unknown) => {
            pending.delete(key)
            throw error
          },
        )
        pending.set(key, promise)
      }
      return promise
    },
  }
}
