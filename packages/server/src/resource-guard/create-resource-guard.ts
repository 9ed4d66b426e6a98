import {
  assertAlgorithms,
  type ChallengeOptions,
  calculateAccessTokenHash,
  contextualizeError,
  createMemoryReplayStore,
  DEFAULT_ALGORITHMS,
  DPoPError,
  type DPoPHttpRequest,
  isDPoPError,
  MISSING_CREDENTIALS,
  type NonceRequirement,
  parseAuthorization,
  type ReplayStore,
  verifyProof,
} from '@dpop/core'
import type { JSONWebKeySet, RemoteJWKSetOptions } from 'jose'
import type { AccessTokenClaims, AccessTokenVerifier } from './access-token-claims.js'
import { createIntrospectionVerifier, type IntrospectionOptions } from './create-introspection-verifier.js'
import { createJwtVerifier } from './create-jwt-verifier.js'
import { createTokenCache } from './create-token-cache.js'
import { errorToResponse, type GuardResponse } from './error-to-response.js'
import { invalidToken } from './invalid-token.js'
import { resourceMetadataUrl } from './resource-metadata-url.js'
import { scopesOf } from './scopes-of.js'

export interface ResourceMetadataOptions {
  /** The resource identifier (RFC 9728 §1.2): an https URL without fragment. */
  resource: string
  /** Issuers of the authorization servers that issue tokens for this resource. */
  authorizationServers?: readonly string[]
  scopesSupported?: readonly string[]
  /** Where the metadata document is served. @default the RFC 9728 §3.1 well-known URL of `resource` */
  documentUrl?: string
}

export interface TokenCacheOptions {
  /** Verified tokens kept. @default 10_000 */
  maxEntries?: number
  /** Longest a verification is reused, in seconds, even if `exp` is later (bounds how late a revocation is seen). @default 300 */
  maxAge?: number
}

export interface ResourceGuardOptions {
  /** Verify JWT access tokens (RFC 9068) with this local key set. One of `jwks`, `jwksUri`, `introspection`, `verifyAccessToken`. */
  jwks?: JSONWebKeySet
  /** Verify JWT access tokens with a remote key set, cached and re-fetched on an unknown `kid`. */
  jwksUri?: string | URL
  /** Cache and timeout settings of the remote key set (jose `createRemoteJWKSet`). */
  remoteJwks?: RemoteJWKSetOptions
  /** Accepted `iss` (required with `jwks`/`jwksUri`, RFC 9068 §4; checked when given in other modes). */
  issuer?: string | readonly string[]
  /** Accepted `aud`: this resource (required with `jwks`/`jwksUri`, RFC 9068 §4; checked when given in other modes). */
  audience?: string | readonly string[]
  /** Require `typ: at+jwt` on JWT access tokens (RFC 9068 §2.1). @default true */
  requireAccessTokenType?: boolean
  /** Signing algorithms accepted on JWT access tokens. @default the asymmetric JWS algorithms */
  accessTokenAlgorithms?: readonly string[]
  /** Verify tokens by RFC 7662 introspection. */
  introspection?: IntrospectionOptions
  /** Verify tokens yourself: return the claims or throw (any non-`DPoPError` means `invalid_token`). */
  verifyAccessToken?: AccessTokenVerifier
  /** Cache of verified token claims, keyed by token hash. `false` verifies on every request. */
  tokenCache?: TokenCacheOptions | false
  /**
   * Also accept unbound tokens with the `Bearer` scheme (RFC 9449 §7.2 mixed mode); challenges then offer
   * `Bearer` too. A bound token sent as `Bearer` is always rejected; a `DPoP` header sent with an unbound
   * `Bearer` token is ignored (a proof cannot bind a token that names no key).
   * @default false
   */
  allowBearer?: boolean
  /** Scopes every request needs; `authenticate` may add more. */
  requiredScopes?: readonly string[]
  /** Proof algorithms accepted and advertised in `algs` (RFC 9449 §7.1). @default core's DEFAULT_ALGORITHMS */
  algorithms?: readonly string[]
  /** Proof time frame in seconds (RFC 9449 §11.1). @default 300 */
  maxAge?: number
  /** How far a proof's `iat` may lie in the future, in seconds. @default 5 */
  clockTolerance?: number
  /** Where proof `jti`s are reserved; share one between instances. @default a new in-memory store per guard */
  replayStore?: ReplayStore
  /** Resource server nonces (RFC 9449 §9). */
  nonce?: NonceRequirement
  /** `realm` of the challenge. */
  realm?: string
  /** RFC 9728 metadata: adds `resource_metadata` to challenges (§5.1) and enables `metadata()`. */
  resourceMetadata?: ResourceMetadataOptions
  /** Clock in epoch milliseconds, for proofs and token expiry alike. @default Date.now */
  now?: () => number
}

export interface AuthenticateOptions {
  /** Scopes this request needs besides the guard-wide ones; missing ones answer 403 `insufficient_scope`. */
  requiredScopes?: readonly string[]
}

export interface ResourceAuthentication {
  accessToken: string
  claims: AccessTokenClaims
  /** Thumbprint of the proof key (= `cnf.jkt`); `undefined` for a Bearer token. */
  thumbprint: string | undefined
  scheme: 'DPoP' | 'Bearer'
  /** Headers for the successful response, such as a fresh `DPoP-Nonce`. */
  responseHeaders: Record<string, string>
}

export interface ResourceGuard {
  /** Authenticates a request, or throws a `DPoPError` with the resource status and `WWW-Authenticate`. */
  authenticate(request: DPoPHttpRequest, options?: AuthenticateOptions): Promise<ResourceAuthentication>
  /** The RFC 9728 protected resource metadata document. Needs `resourceMetadata`. */
  metadata(): Record<string, unknown>
  /** Turns a `DPoPError` into a response for adapters; rethrows anything else. */
  toResponse(error: unknown): GuardResponse
}

function fail(name: string, message: string): never {
  throw new TypeError(`createResourceGuard: ${name} ${message}`)
}

function assertScopes(scopes: unknown, name: string): readonly string[] {
  if (
    !Array.isArray(scopes) ||
    !scopes.every((scope) => typeof scope === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))
  ) {
    fail(name, 'must be an array of scope tokens (no spaces or quotes)')
  }
  return Object.freeze([...scopes])
}

function assertHttpUrl(value: unknown, name: string): string {
  let url: URL
  try {
    url = new URL(value as string)
  } catch {
    fail(name, 'must be an absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(name, 'must be an https URL')
  if (url.hash !== '' || (value as string).includes('#')) fail(name, 'must not contain a fragment')
  return value as string
}

function assertSeconds(value: unknown, name: string, positive: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    fail(name, positive ? 'must be a positive number of seconds' : 'must be a non-negative number of seconds')
  }
}

function toList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  return value === undefined ? undefined : typeof value === 'string' ? [value] : value
}

/** Checks of non-JWT claims that jose performs for JWTs: lifetime, issuer and audience. */
function checkClaims(
  claims: AccessTokenClaims,
  nowSeconds: number,
  issuers: readonly string[] | undefined,
  audiences: readonly string[] | undefined,
): void {
  if (typeof claims !== 'object' || claims === null) throw invalidToken('token_invalid')
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)) {
    throw invalidToken('token_expired')
  }
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds)) {
    throw invalidToken('token_not_yet_valid')
  }
  if (issuers !== undefined && (typeof claims.iss !== 'string' || !issuers.includes(claims.iss))) {
    throw invalidToken('token_issuer')
  }
  if (audiences !== undefined) {
    const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : []
    if (!aud.some((value) => audiences.includes(value))) throw invalidToken('token_audience')
  }
}

/** The key the token is bound to (RFC 9449 §6.1 `cnf.jkt`), or undefined for an unbound token. */
function boundThumbprint(claims: AccessTokenClaims): string | undefined {
  const cnf = claims.cnf
  if (cnf === undefined) return undefined
  if (typeof cnf !== 'object' || cnf === null) throw invalidToken('cnf_invalid')
  const jkt = cnf.jkt
  // A confirmation method this guard cannot check (mTLS `x5t#S256`, …) must not let the token pass as Bearer.
  if (jkt === undefined) throw invalidToken(Object.keys(cnf).length === 0 ? 'cnf_invalid' : 'cnf_unsupported')
  if (typeof jkt !== 'string' || jkt === '') throw invalidToken('cnf_invalid')
  return jkt
}

/**
 * A framework-neutral guard for a protected resource (RFC 9449 §7): verifies the access token (JWT via
 * JWKS, introspection, or your function), requires a valid DPoP proof bound to `cnf.jkt` with a matching
 * `ath`, and answers failures with the resource challenge (`WWW-Authenticate: DPoP … algs="…"`).
 */
export function createResourceGuard(options: ResourceGuardOptions): ResourceGuard {
  if (typeof options !== 'object' || options === null) fail('options', 'are required')
  const jwtMode = options.jwks !== undefined || options.jwksUri !== undefined
  const modes = [jwtMode, options.introspection !== undefined, options.verifyAccessToken !== undefined]
  if (modes.filter(Boolean).length !== 1) {
    fail('options', 'need exactly one of jwks / jwksUri, introspection or verifyAccessToken')
  }
  if (options.jwks !== undefined && options.jwksUri !== undefined)
    fail('options', 'take jwks or jwksUri, not both')

  const now = options.now ?? Date.now
  if (typeof now !== 'function') fail('now', 'must be a function returning epoch milliseconds')
  const algorithms =
    options.algorithms === undefined ? DEFAULT_ALGORITHMS : assertAlgorithms(options.algorithms)
  if (options.maxAge !== undefined) assertSeconds(options.maxAge, 'maxAge', true)
  if (options.clockTolerance !== undefined) assertSeconds(options.clockTolerance, 'clockTolerance', false)
  const guardScopes =
    options.requiredScopes === undefined ? [] : assertScopes(options.requiredScopes, 'requiredScopes')
  const allowBearer = options.allowBearer ?? false
  if (typeof allowBearer !== 'boolean') fail('allowBearer', 'must be a boolean')
  if (options.realm !== undefined && typeof options.realm !== 'string') fail('realm', 'must be a string')
  const replayStore = options.replayStore ?? createMemoryReplayStore({ now })
  if (typeof replayStore?.reserve !== 'function') fail('replayStore', 'must have reserve(key, expiresAt)')
  const nonce = options.nonce
  if (
    nonce !== undefined &&
    (typeof nonce.source?.issue !== 'function' || typeof nonce.source.verify !== 'function')
  ) {
    fail('nonce.source', 'must be a NonceSource (createNonceSource from @dpop/core)')
  }

  const metadataOptions = options.resourceMetadata
  let metadataUrl: string | undefined
  if (metadataOptions !== undefined) {
    assertHttpUrl(metadataOptions.resource, 'resourceMetadata.resource')
    metadataUrl =
      metadataOptions.documentUrl === undefined
        ? resourceMetadataUrl(metadataOptions.resource)
        : assertHttpUrl(metadataOptions.documentUrl, 'resourceMetadata.documentUrl')
    for (const server of metadataOptions.authorizationServers ?? []) {
      assertHttpUrl(server, 'resourceMetadata.authorizationServers')
    }
    if (metadataOptions.scopesSupported !== undefined) {
      assertScopes(metadataOptions.scopesSupported, 'resourceMetadata.scopesSupported')
    }
  }

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
  let getClaims: (hash: string, token: string) => Promise<AccessTokenClaims>
  if (cacheOptions === false) {
    getClaims = (_hash, token) => verifyToken(token)
  } else {
    const maxEntries = cacheOptions.maxEntries ?? 10_000
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      fail('tokenCache.maxEntries', 'must be a positive integer')
    const maxAge = cacheOptions.maxAge ?? 300
    assertSeconds(maxAge, 'tokenCache.maxAge', true)
    const cache = createTokenCache(maxEntries, maxAge, now)
    getClaims = (hash, token) => cache.get(hash, () => verifyToken(token))
  }

  const challenge: ChallengeOptions = {
    algs: algorithms,
    ...(options.realm === undefined ? {} : { realm: options.realm }),
    ...(metadataUrl === undefined ? {} : { resourceMetadata: metadataUrl }),
    ...(allowBearer ? { bearer: true } : {}),
  }
  const answer = (error: DPoPError, extra: ChallengeOptions = {}) =>
    contextualizeError(error, 'resource', { ...challenge, ...extra })

  return {
    async authenticate(request, callOptions = {}) {
      const callScopes =
        callOptions.requiredScopes === undefined
          ? []
          : assertScopes(callOptions.requiredScopes, 'requiredScopes')

      let credentials: ReturnType<typeof parseAuthorization>
      try {
        credentials = parseAuthorization(request.header('authorization'))
      } catch (error) {
        throw isDPoPError(error) ? answer(error) : error
      }
      // No credentials for a scheme this resource takes: a challenge without an error (RFC 6750 §3.1).
      if (credentials === undefined || (credentials.scheme !== 'dpop' && credentials.scheme !== 'bearer')) {
        throw answer(
          new DPoPError('invalid_token', MISSING_CREDENTIALS, { description: 'access token required' }),
        )
      }
      if (credentials.scheme === 'bearer' && !allowBearer) {
        throw answer(
          new DPoPError('invalid_token', 'bearer_not_allowed', {
            description: 'access token must be sent with DPoP',
          }),
        )
      }
      const accessToken = credentials.token

      let claims: AccessTokenClaims
      let jkt: string | undefined
      // The token's SHA-256 is both the cache key and the proof's expected `ath` (RFC 9449 §4.2): hash once.
      const accessTokenHash = await calculateAccessTokenHash(accessToken)
      try {
        claims = await getClaims(accessTokenHash, accessToken)
        // A cached verification may outlive the token by less than a tick: recheck expiry on every request.
        if (typeof claims.exp === 'number' && claims.exp <= now() / 1000) throw invalidToken('token_expired')
        jkt = boundThumbprint(claims)
      } catch (error) {
        throw isDPoPError(error) ? answer(error) : error
      }

      let thumbprint: string | undefined
      let responseHeaders: Record<string, string> = {}
      if (credentials.scheme === 'dpop') {
        // RFC 9449 §7.1: the DPoP scheme is for DPoP-bound tokens only.
        if (jkt === undefined) {
          throw answer(
            new DPoPError('invalid_token', 'token_not_bound', {
              description: 'access token is not DPoP-bound',
            }),
          )
        }
        const proof = await verifyProof(request.header('dpop'), request, {
          accessToken,
          accessTokenHash,
          expectedThumbprint: jkt,
          context: 'resource',
          challenge,
          algorithms,
          replayStore,
          now,
          ...(options.maxAge === undefined ? {} : { maxAge: options.maxAge }),
          ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
          ...(nonce === undefined ? {} : { nonce }),
        })
        thumbprint = proof.thumbprint
        responseHeaders = proof.responseHeaders
      } else if (jkt !== undefined) {
        // RFC 9449 §7.2: a DPoP-bound token received as a bearer token MUST be rejected, proof or not.
        throw answer(
          new DPoPError('invalid_token', 'token_bound', {
            description: 'access token must be sent with DPoP',
          }),
        )
      }
      // An unbound Bearer token with a DPoP header: the header is ignored. A proof cannot strengthen a token
      // that names no key, and treating it as DPoP would let an attacker's key "bind" a stolen bearer token.

      const required = callScopes.length === 0 ? guardScopes : [...new Set([...guardScopes, ...callScopes])]
      if (required.length > 0) {
        const granted = scopesOf(claims)
        if (!required.every((scope) => granted.has(scope))) {
          throw answer(new DPoPError('insufficient_scope', 'scope', { description: 'insufficient scope' }), {
            scope: required.join(' '),
          })
        }
      }

      return {
        accessToken,
        claims,
        thumbprint,
        scheme: credentials.scheme === 'dpop' ? 'DPoP' : 'Bearer',
        responseHeaders,
      }
    },

    metadata() {
      if (metadataOptions === undefined) {
        throw new TypeError('createResourceGuard: metadata() needs the resourceMetadata option')
      }
      return {
        resource: metadataOptions.resource,
        ...(metadataOptions.authorizationServers === undefined
          ? {}
          : { authorization_servers: [...metadataOptions.authorizationServers] }),
        ...(metadataOptions.scopesSupported === undefined
          ? {}
          : { scopes_supported: [...metadataOptions.scopesSupported] }),
        bearer_methods_supported: ['header'],
        dpop_signing_alg_values_supported: [...algorithms],
        dpop_bound_access_tokens_required: !allowBearer,
      }
    },

    toResponse: errorToResponse,
  }
}
