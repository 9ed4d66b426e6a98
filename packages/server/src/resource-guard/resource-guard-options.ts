import type { DPoPHttpRequest, JSONWebKeySet, NonceRequirement, NonceSource, ReplayStore } from '@dpop/core'
import type { DPoPEventHandler } from '../observability/events.js'
import type { DPoPLogger } from '../observability/logger.js'
import type { AccessTokenVerifier } from './access-token-claims.js'
import type { IntrospectionOptions } from './create-introspection-verifier.js'
import type { RemoteKeySetOptions } from './remote-key-set-options.js'

/** The protected resource metadata of a resource (RFC 9728 §2). */
export interface ResourceMetadataOptions {
  /** The resource identifier (RFC 9728 §1.2): an https URL without fragment. */
  resource: string
  /** Issuers of the authorization servers that issue tokens for this resource. */
  authorizationServers?: readonly string[]
  /** Scopes the resource understands, advertised as `scopes_supported`. */
  scopesSupported?: readonly string[]
  /** Where the metadata document is served. @default the RFC 9728 §3.1 well-known URL of `resource` */
  documentUrl?: string
}

/** How long a guard reuses the verification of an access token. */
export interface TokenCacheOptions {
  /** Verified tokens kept. @default 10_000 */
  maxEntries?: number
  /** Longest a verification is reused, in seconds, even if `exp` is later (bounds how late a revocation is seen). @default 300 */
  maxAge?: number
}

/** Options of {@link createResourceGuard} and of the framework adapters' guards. */
export interface ResourceGuardOptions {
  /** Verify JWT access tokens (RFC 9068) with this local key set. One of `jwks`, `jwksUri`, `introspection`, `verifyAccessToken`. */
  jwks?: JSONWebKeySet
  /** Verify JWT access tokens with a remote key set, cached and re-fetched on an unknown `kid`. */
  jwksUri?: string | URL
  /** Cache and timeout settings of the remote key set (jose `createRemoteJWKSet`). */
  remoteJwks?: RemoteKeySetOptions
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
  /**
   * Resource server nonces (RFC 9449 §9): `'always'`, a policy of the request, or `'off'`. A missing, stale
   * or foreign nonce answers 401 `use_dpop_nonce` with a fresh `DPoP-Nonce`. Each nonce is bound to this
   * resource (`resourceMetadata.resource`, else `audience`, else the origin of the request URL), so nonces
   * of the authorization server or of another resource are refused here even from a shared source.
   * A `NonceRequirement` (`{ source, required }`) is accepted too.
   * @default 'off'
   */
  nonce?: 'off' | 'always' | ((request: DPoPHttpRequest) => boolean | Promise<boolean>) | NonceRequirement
  /**
   * Where this resource's nonces come from. Give every instance of one resource server the same source (or
   * one built from the same secrets) so they accept each other's nonces; rotate by adding a new first secret.
   * @default a source with a random secret, made by this guard
   */
  nonceSource?: NonceSource
  /** `realm` of the challenge. */
  realm?: string
  /** RFC 9728 metadata: adds `resource_metadata` to challenges (§5.1) and enables `metadata()`. */
  resourceMetadata?: ResourceMetadataOptions
  /**
   * Called with every event of this guard: each `authenticate` call (`guard.authenticate`), proofs accepted
   * and refused, nonce challenges, replays, replay store calls and failures (see `DPoPServerEvent`). Events
   * carry no token or proof. A hook that throws or rejects is logged and changes no answer;
   * `openTelemetryEvents()` of `@dpop/server/otel` is one such hook.
   * @default none: no event is built
   */
  onEvent?: DPoPEventHandler
  /** Where what an operator must see goes: a failing replay store, configuration warnings. @default silent */
  logger?: DPoPLogger
  /** Clock in epoch milliseconds, for proofs and token expiry alike. @default Date.now */
  now?: () => number
}
