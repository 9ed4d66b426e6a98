import { isDPoPError } from '@dpop/core'
import type { AccessTokenClaims, AccessTokenVerifier } from './access-token-claims.js'
import { checkClaims } from './check-claims.js'
import { createIntrospectionVerifier } from './create-introspection-verifier.js'
import { createJwtVerifier } from './create-jwt-verifier.js'
import { createTokenCache } from './create-token-cache.js'
import { assertSeconds, fail } from './guard-option-checks.js'
import { invalidToken } from './invalid-token.js'
import type { ResourceGuardOptions } from './resource-guard-options.js'

/** Verified claims of a token, by its SHA-256 (the cache key) and the token itself. */
export type ClaimsLookup = (accessTokenHash: string, accessToken: string) => Promise<AccessTokenClaims>

function toList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  return value === undefined ? undefined : typeof value === 'string' ? [value] : value
}

/** The one token verification mode the options name (JWT, introspection or a function), behind the cache. */
export function resolveTokenVerifier(options: ResourceGuardOptions, now: () => number): ClaimsLookup {
  const jwtMode = options.jwks !== undefined || options.jwksUri !== undefined
  const modes = [jwtMode, options.introspection !== undefined, options.verifyAccessToken !== undefined]
  if (modes.filter(Boolean).length !== 1) {
    fail('options', 'need exactly one of jwks / jwksUri, introspection or verifyAccessToken')
  }
  if (options.jwks !== undefined && options.jwksUri !== undefined)
    fail('options', 'take jwks or jwksUri, not both')

  const issuers = toList(options.issuer)
  const audiences = toList(options.audience)
  let verifyToken: AccessTokenVerifier
  if (jwtMode) {
    if (issuers === undefined || issuers.length === 0)
      fail('issuer', 'is required with jwks / jwksUri (RFC 9068 §4)')
    if (audiences === undefined || audiences.length === 0) {
      fail('audience', 'is required with jwks / jwksUri (RFC 9068 §4)')
    }
    verifyToken = createJwtVerifier({
      ...(options.jwks === undefined ? {} : { jwks: options.jwks }),
      ...(options.jwksUri === undefined ? {} : { jwksUri: options.jwksUri }),
      ...(options.remoteJwks === undefined ? {} : { remoteJwks: options.remoteJwks }),
      ...(options.requireAccessTokenType === undefined
        ? {}
        : { requireAccessTokenType: options.requireAccessTokenType }),
      ...(options.accessTokenAlgorithms === undefined ? {} : { algorithms: options.accessTokenAlgorithms }),
      issuer: issuers,
      audience: audiences,
      now,
    })
  } else {
    const inner =
      options.introspection === undefined
        ? (options.verifyAccessToken as AccessTokenVerifier)
        : createIntrospectionVerifier(options.introspection)
    if (typeof inner !== 'function') fail('verifyAccessToken', 'must be a function')
    verifyToken = async (token) => {
      let claims: AccessTokenClaims
      try {
        claims = await inner(token)
      } catch (cause) {
        throw isDPoPError(cause) ? cause : invalidToken('token_invalid', cause)
      }
      checkClaims(claims, now() / 1000, issuers, audiences)
      return claims
    }
  }

  const cacheOptions = options.tokenCache ?? {}
  if (cacheOptions === false) return (_hash, token) => verifyToken(token)
  const maxEntries = cacheOptions.maxEntries ?? 10_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    fail('tokenCache.maxEntries', 'must be a positive integer')
  const maxAge = cacheOptions.maxAge ?? 300
  assertSeconds(maxAge, 'tokenCache.maxAge', true)
  const cache = createTokenCache(maxEntries, maxAge, now)
  return (hash, token) => cache.get(hash, () => verifyToken(token))
}
