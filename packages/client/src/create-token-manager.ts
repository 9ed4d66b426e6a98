import { parseWWWAuthenticate } from '@dpop/core'
import type { FetchFunction } from './create-dpop-fetch.js'
import type { OAuthClient, TokenRequestOptions } from './create-oauth-client.js'
import type { TokenSet } from './token-set.js'

/** Options of {@link createTokenManager}. */
export interface TokenManagerOptions {
  /** The tokens to start with (for example from an authorization code exchange). */
  tokens?: TokenSet
  /**
   * Gets new tokens when there are none or they cannot be refreshed, for example
   * `() => client.clientCredentials({ scope })`. @default none: without tokens, calls reject
   */
  obtainTokens?: () => Promise<TokenSet>
  /** Renew this many seconds before the access token expires. @default 60 */
  refreshSkew?: number
  /** Scope or resources of refresh requests. */
  refreshOptions?: TokenRequestOptions
  /** Called with every new token set, for example to persist the refresh token. */
  onTokens?: (tokens: TokenSet) => void
  /** The fetch for tokens the server issued as `Bearer` (when `allowBearer`); they go without a proof. @default globalThis.fetch */
  fetch?: FetchFunction
}

/** Keeps a token set fresh and sends it with DPoP proofs, from {@link createTokenManager}. */
export interface TokenManager {
  /** The current tokens, possibly expired. */
  readonly tokens: TokenSet | undefined
  /** Replaces the current tokens, for example after a new login; `undefined` forgets them. */
  setTokens(tokens: TokenSet | undefined): void

  /** Tokens valid for at least `refreshSkew` more seconds, renewed when needed; one renewal serves all callers. */
  getTokens(): Promise<TokenSet>
  /** Renews now (refresh token, else `obtainTokens`), sharing a renewal already under way. */
  renew(): Promise<TokenSet>
  /**
   * A fetch that sends the current access token as `Authorization: DPoP …` with a proof carrying `ath`.
   * When the resource answers 401 `invalid_token` (revoked, or expired early), the tokens are renewed and the
   * request is sent once more, unless its body is a stream.
   */
  fetch: FetchFunction
}

/** RFC 6750 §3.1 / RFC 9449 §7.1: the resource rejected the token itself, not the proof. */
function isInvalidToken(response: Response): boolean {
  if (response.status !== 401) return false
  try {
    return parseWWWAuthenticate(response.headers.get('www-authenticate') ?? '').some(
      (challenge) => challenge.params['error'] === 'invalid_token',
    )
  } catch {
    return false
  }
}

/** Holds an OAuth client's tokens and keeps them fresh. */
export function createTokenManager(client: OAuthClient, options: TokenManagerOptions = {}): TokenManager {
  const skew = (options.refreshSkew ?? 60) * 1000
  if (!(skew >= 0)) throw new TypeError('createTokenManager: refreshSkew must be non-negative seconds')
  let current = options.tokens
  let pending: Promise<TokenSet> | undefined

  const adopt = (tokens: TokenSet, previous: TokenSet | undefined): TokenSet => {
    // RFC 6749 §6: a refresh response may leave the refresh token out; the old one then stays valid.
    const merged =
      tokens.refreshToken === undefined && previous?.refreshToken !== undefined
        ? { ...tokens, refreshToken: previous.refreshToken }
        : tokens
    current = merged
    options.onTokens?.(merged)
    return merged
  }

  const obtain = async (): Promise<TokenSet> => {
    if (options.obtainTokens === undefined) {
      throw new Error('createTokenManager: no usable tokens and no obtainTokens option to get new ones')
    }
    return options.obtainTokens()
  }

  const renew = (): Promise<TokenSet> => {
    pending ??= (async () => {
      const previous = current
      const refreshToken = previous?.refreshToken
      if (refreshToken === undefined) return adopt(await obtain(), previous)
      try {
        return adopt(await client.refresh(refreshToken, options.refreshOptions), previous)
      } catch (error) {
        if (options.obtainTokens === undefined) throw error
        return adopt(await obtain(), undefined)
      }
    })().finally(() => {
      pending = undefined
    })
    return pending
  }

  const getTokens = async (): Promise<TokenSet> => {
    const tokens = current
    if (
      tokens !== undefined &&
      (tokens.expiresAt === undefined || client.handle.now() < tokens.expiresAt - skew)
    ) {
      return tokens
    }
    return renew()
  }

  return {
    get tokens() {
      return current
    },
    setTokens(tokens) {
      current = tokens
    },
    getTokens,
    renew,
    async fetch(input, init) {
      const isRequest = typeof Request !== 'undefined' && input instanceof Request
      const send = async (tokens: TokenSet) => {
        const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined))
        if (tokens.tokenType.toLowerCase() === 'bearer') {
          headers.set('Authorization', `Bearer ${tokens.accessToken}`)
          return (options.fetch ?? globalThis.fetch)(input, { ...init, headers })
        }
        headers.set('Authorization', `DPoP ${tokens.accessToken}`)
        return client.fetch(input, { ...init, headers })
      }
      const tokens = await getTokens()
      const response = await send(tokens)
      const replayable =
        !isRequest && !(typeof ReadableStream !== 'undefined' && init?.body instanceof ReadableStream)
      const renewable = tokens.refreshToken !== undefined || options.obtainTokens !== undefined
      if (!replayable || !renewable || !isInvalidToken(response)) return response
      // Renew only if no other caller did already while this request was in flight.
      const renewed = current === tokens ? await renew() : await getTokens()
      await response.body?.cancel().catch(() => undefined)
      return send(renewed)
    },
  }
}
