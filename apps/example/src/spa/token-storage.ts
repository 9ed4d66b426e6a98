import type { TokenSet } from '@dpop/client'

const TOKENS = 'dpop-example:tokens'
const PENDING = 'dpop-example:authorization'

/** The authorization request waiting for its callback: all of it is needed to redeem the code. */
export interface PendingAuthorization {
  state: string
  codeVerifier: string
  redirectUri: string
}

/**
 * Tokens live in sessionStorage: they survive a reload of this tab and die with it. They are useless
 * elsewhere anyway: bound to the key in IndexedDB, whose private half cannot be exported.
 */
export const tokenStorage = {
  load(): TokenSet | undefined {
    const stored = sessionStorage.getItem(TOKENS)
    if (stored === null) return undefined
    try {
      const tokens = JSON.parse(stored) as TokenSet
      return typeof tokens.accessToken === 'string' ? tokens : undefined
    } catch {
      return undefined
    }
  },
  save(tokens: TokenSet | undefined): void {
    if (tokens === undefined) sessionStorage.removeItem(TOKENS)
    else sessionStorage.setItem(TOKENS, JSON.stringify(tokens))
  },
  savePending(pending: PendingAuthorization): void {
    sessionStorage.setItem(PENDING, JSON.stringify(pending))
  },
  /** The pending request, removed: a code is redeemed once. */
  takePending(): PendingAuthorization | undefined {
    const stored = sessionStorage.getItem(PENDING)
    sessionStorage.removeItem(PENDING)
    return stored === null ? undefined : (JSON.parse(stored) as PendingAuthorization)
  },
}
