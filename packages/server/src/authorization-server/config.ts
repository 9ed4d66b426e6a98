import type { JWK, WebCryptoKey } from '@dpop/core'
import {
  assertAlgorithms,
  createMemoryReplayStore,
  createNonceSource,
  DEFAULT_ALGORITHMS,
  type DPoPHttpRequest,
  type NonceSource,
  type ReplayStore,
} from '@dpop/core'
import type { DPoPEventHandler } from '../observability/events.js'
import type { DPoPLogger } from '../observability/logger.js'
import { type Observer, resolveObserver } from '../observability/observer.js'
import { randomToken } from './hash.js'
import { createMemoryStorage } from './memory-storage.js'
import { isRedirectUriAllowed } from './redirect-uri.js'
import type { ClientRecord, GrantType, Storage, TokenBinding, TokenEndpointAuthMethod } from './storage.js'
import type { InteractionHook } from './types.js'

/** A statically configured client. */
export interface ClientConfig {
  /** The client identifier (RFC 6749 §2.2). */
  clientId: string
  /** Plain-text secret of a confidential client; hashed (SHA-256) at construction. Absent for public clients. */
  clientSecret?: string
  /**
   * RFC 7591 §2 `token_endpoint_auth_method`: the method this client is registered with.
   * @default the first of `secretAuthMethods` with a secret, 'none' without
   */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod
  /**
   * The secret methods (RFC 6749 §2.3.1) this client may authenticate with. Both carry the same secret, and many
   * deployments use Basic at one endpoint and the body at another (WSO2 Identity Server and Janssen accept both).
   * @default ['client_secret_basic', 'client_secret_post'], or only `tokenEndpointAuthMethod` when it is given
   */
  secretAuthMethods?: readonly ('client_secret_basic' | 'client_secret_post')[]
  /** Exact redirect URIs (RFC 6749 §3.1.2); required for `authorization_code`. @default [] */
  redirectUris?: readonly string[]
  /**
   * The grants this client may use.
   * @default ['authorization_code', 'refresh_token'] with redirect URIs, else ['client_credentials']
   */
  grantTypes?: readonly GrantType[]
  /** Space-separated scopes the client may request (RFC 6749 §3.3). @default any scope */
  scope?: string
  /** How its access tokens are bound (RFC 9449 §5); see `TokenBinding`. @default 'allowed' */
  tokenBinding?: TokenBinding
  /** RFC 9449 §5.2 client metadata: `true` is `tokenBinding: 'dpop'`. @default false */
  dpopBoundAccessTokens?: boolean
  /** DPoP proof algorithms accepted from this client (RFC 9449 §4.3). @default the server's `dpop.algorithms` */
  allowedDPoPAlgorithms?: readonly string[]
  /** Browser origins (`https://app.example`) allowed through CORS. @default [] */
  allowedOrigins?: readonly string[]
  /** Nonce policy for this client, overriding the server's (RFC 9449 §8). @default the server's `dpop.nonce` */
  nonce?: 'off' | 'always'
  /** RFC 9126 §6 `require_pushed_authorization_requests`. @default false */
  requirePushedAuthorizationRequests?: boolean
  /** JWT or opaque access tokens for this client. @default the server's `accessTokenFormat` */
  accessTokenFormat?: 'jwt' | 'opaque'
  /** A name to show users on login and consent pages (RFC 7591 §2 `client_name`). */
  clientName?: string
}

/** Nonce policy of the token and PAR endpoints (RFC 9449 §8). */
export type NoncePolicy =
  | 'off'
  | 'always'
  | ((client: ClientRecord, request: DPoPHttpRequest) => boolean | Promise<boolean>)

/** How the token and PAR endpoints check DPoP proofs (RFC 9449 §4.3, §8, §11.1). */
export interface DPoPConfig {
  /** Proof time frame: how old a proof's `iat` may be, in seconds (RFC 9449 §11.1). @default 300 */
  proofTimeFrame?: number
  /** How far `iat` may lie in the future, in seconds. @default 5 */
  clockTolerance?: number
  /**
   * How long the replay store remembers a `jti`, in seconds (RFC 9449 §11.1); at least
   * `proofTimeFrame + clockTolerance`. @default proofTimeFrame + clockTolerance
   */
  jtiCacheTime?: number
  /** Accepted proof algorithms, advertised as `dpop_signing_alg_values_supported` (RFC 9449 §5.1). @default core's DEFAULT_ALGORITHMS */
  algorithms?: readonly string[]
  /** When a server nonce is required (RFC 9449 §8). @default 'off' */
  nonce?: NoncePolicy
  /**
   * Where this authorization server's nonces come from (core `createNonceSource`). Give every instance of
   * this server the same source (or one built from the same secrets) so they accept each other's nonces.
   * Nonces are bound to this server's issuer: a resource server's nonce is refused here, and this server's
   * nonces are refused at resources, even when they share the source or its secrets.
   * @default one with a random secret
   */
  nonceSource?: NonceSource
}

/** A signing key: a private JWK (with `d`), or a key pair; `kid` defaults to the RFC 7638 thumbprint. */
export type SigningKeyInput =
  | JWK
  | {
      /** Signs the access tokens. */
      privateKey: WebCryptoKey
      /** Published in the JWKS, for resources to verify the tokens. */
      publicKey: WebCryptoKey
      /** The key ID in token headers and the JWKS. @defaultValue the RFC 7638 thumbprint */
      kid?: string
      /** The JWS algorithm. @defaultValue the key's algorithm (ES256 for a P-256 key) */
      alg?: string
    }

/** The paths of the authorization server's endpoints, on the issuer's origin. */
export interface EndpointPaths {
  /** @default '/.well-known/oauth-authorization-server' + the issuer's path (RFC 8414 §3.1) */
  metadata: string
  /** @default issuer path + '/jwks' */
  jwks: string
  /** @default issuer path + '/authorize' */
  authorization: string
  /** @default issuer path + '/par' */
  pushedAuthorizationRequest: string
  /** @default issuer path + '/token' */
  token: string
  /** @default issuer path + '/introspect' */
  introspection: string
  /** @default issuer path + '/revoke' */
  revocation: string
  /** @default issuer path + '/register' */
  registration: string
}

/** Options of {@link createAuthorizationServer}. */
export interface AuthorizationServerConfig {
  /** The issuer identifier (RFC 8414 §2): https, or http on a loopback host; no query or fragment. */
  issuer: string
  /** Statically configured clients. @default [] */
  clients?: readonly ClientConfig[]
  /** Access token signing keys: the first signs, all are published (rotation). @default one ES256 key generated at startup */
  signingKeys?: readonly SigningKeyInput[]
  /** `aud` of access tokens (RFC 9068 §2.2). @default the issuer */
  audience?: string
  /** Advertised as `scopes_supported` and enforced at registration. @default not advertised */
  scopesSupported?: readonly string[]
  /** How DPoP proofs are checked at the token and PAR endpoints. */
  dpop?: DPoPConfig
  /** Where DPoP proof `jti`s are reserved; share one across instances. @default createMemoryReplayStore() */
  replayStore?: ReplayStore
  /** @default createMemoryStorage() */
  storage?: Storage
  /**
   * Seconds (RFC 6749 §5.1 `expires_in`). Also how long a revoked JWT access token stays usable at a resource
   * that verifies JWTs locally instead of introspecting: keep it short. @default 3600
   */
  accessTokenLifetime?: number
  /** Seconds; each rotation starts a new lifetime. @default 1_209_600 (14 days) */
  refreshTokenLifetime?: number
  /** Seconds (RFC 6749 §4.1.2 recommends at most 600). @default 60 */
  codeLifetime?: number
  /** Seconds a pushed request stays usable (RFC 9126 §2.2 `expires_in`). @default 60 */
  parLifetime?: number
  /** Seconds a pending login/consent stays usable. @default 600 */
  interactionLifetime?: number
  /** JWT (RFC 9068) or opaque access tokens (checked by introspection). @default 'jwt' */
  accessTokenFormat?: 'jwt' | 'opaque'
  /** RFC 9126 §5 `require_pushed_authorization_requests` for every client. @default false */
  requirePushedAuthorizationRequests?: boolean
  /** Endpoint paths (absolute paths on the issuer's origin). */
  paths?: Partial<EndpointPaths>
  /** Dynamic client registration (RFC 7591). @default { enabled: false } */
  registration?: {
    /** Serve the registration endpoint, open to anyone. @defaultValue false */
    enabled?: boolean
  }

  /** Login and consent, implemented by the host; without it there is no authorization endpoint. */
  interaction?: InteractionHook
  /**
   * Called with every event of this server: proofs accepted and refused, nonce challenges, replays, tokens
   * issued, refresh rotation and reuse, grant revocation, introspection, store calls and failures (see
   * `DPoPServerEvent`). Events carry no token, proof, secret or subject. A hook that throws or rejects is
   * logged and changes no answer. `openTelemetryEvents()` of `@dpop/server/otel` is one such hook.
   * @default none: no event is built
   */
  onEvent?: DPoPEventHandler
  /** Where what an operator must see goes: storage failures, signing keys, configuration warnings. @default silent */
  logger?: DPoPLogger
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number
}

export interface Endpoint {
  path: string
  url: string
}

/** A client from the configuration, with its secret still to be hashed. */
export interface StaticClient {
  record: ClientRecord
  secret?: string
}

export interface ResolvedConfig {
  issuer: string
  endpoints: Record<keyof EndpointPaths, Endpoint>
  staticClients: ReadonlyMap<string, StaticClient>
  signingKeys: readonly SigningKeyInput[]
  audience: string
  scopesSupported: readonly string[] | undefined
  dpop: {
    proofTimeFrame: number
    clockTolerance: number
    jtiCacheTime: number
    algorithms: readonly string[]
    nonce: NoncePolicy
    nonceSource: NonceSource
    /** This server's identity in its nonces (`authorization-server <issuer>`), so they pass nowhere else. */
    nonceServer: string
  }
  replayStore: ReplayStore
  storage: Storage
  accessTokenLifetime: number
  refreshTokenLifetime: number
  codeLifetime: number
  parLifetime: number
  interactionLifetime: number
  accessTokenFormat: 'jwt' | 'opaque'
  requirePushedAuthorizationRequests: boolean
  registrationEnabled: boolean
  /** `authorization_code` only when there is an interaction hook. */
  enabledGrantTypes: readonly GrantType[]
  interaction: InteractionHook | undefined
  /** The `onEvent` hook and `logger`; `undefined` when neither is configured. */
  observer: Observer | undefined
  now: () => number
}

const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'client_credentials', 'refresh_token']
const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none']
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

function fail(message: string): never {
  throw new TypeError(`createAuthorizationServer: ${message}`)
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(`${name} must be a positive number of seconds`)
  }
  return value
}

function resolveIssuer(issuer: unknown): URL {
  if (typeof issuer !== 'string') fail('issuer is required (an https URL)')
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    fail('issuer must be an absolute URL')
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK.has(url.hostname)
  if (url.protocol !== 'https:' && !loopbackHttp) fail('issuer must use https (http only on a loopback host)')
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    fail('issuer must have no query or fragment (RFC 8414 §2)')
  }
  // Endpoints are built from the origin: user information would make them disagree with the issuer.
  if (url.username !== '' || url.password !== '') fail('issuer must have no user information')
  return url
}

/** Whether `scope` is a valid space-separated scope string (RFC 6749 §3.3). */
export function isScope(scope: string): boolean {
  return scope === '' || scope.split(' ').every((token) => SCOPE_TOKEN.test(token))
}

function resolveClient(
  client: ClientConfig,
  serverAlgorithms: readonly string[],
  hasInteraction: boolean,
): StaticClient {
  const where = `clients["${String(client?.clientId)}"]`
  if (typeof client?.clientId !== 'string' || client.clientId === '')
    fail('every client needs a clientId string')
  if (
    client.clientSecret !== undefined &&
    (typeof client.clientSecret !== 'string' || client.clientSecret.length < 12)
  ) {
    fail(`${where}.clientSecret must be a string of at least 12 characters`)
  }
  const secretMethods =
    client.secretAuthMethods ??
    (client.tokenEndpointAuthMethod === undefined
      ? (['client_secret_basic', 'client_secret_post'] as const)
      : undefined)
  if (
    secretMethods !== undefined &&
    (!Array.isArray(secretMethods) ||
      secretMethods.length === 0 ||
      secretMethods.some((entry) => entry !== 'client_secret_basic' && entry !== 'client_secret_post'))
  ) {
    fail(`${where}.secretAuthMethods must list 'client_secret_basic' and/or 'client_secret_post'`)
  }
  const method =
    client.tokenEndpointAuthMethod ??
    (client.clientSecret === undefined ? 'none' : (secretMethods?.[0] ?? 'client_secret_basic'))
  if (!AUTH_METHODS.includes(method))
    fail(`${where}.tokenEndpointAuthMethod must be one of ${AUTH_METHODS.join(', ')}`)
  if (method === 'none' && client.clientSecret !== undefined) {
    fail(`${where}: a client with a clientSecret cannot use tokenEndpointAuthMethod 'none'`)
  }
  if (method !== 'none' && client.clientSecret === undefined)
    fail(`${where}.clientSecret is required for ${method}`)
  if (client.secretAuthMethods !== undefined && client.clientSecret === undefined)
    fail(`${where}.secretAuthMethods needs a clientSecret`)
  if (method !== 'none' && secretMethods !== undefined && !secretMethods.includes(method)) {
    fail(`${where}.tokenEndpointAuthMethod must be one of its secretAuthMethods`)
  }
  const redirectUris = [...(client.redirectUris ?? [])]
  for (const uri of redirectUris) {
    if (!isRedirectUriAllowed(uri)) {
      fail(`${where}.redirectUris: each must be absolute, without fragment, https (or http on loopback)`)
    }
  }
  const grantTypes = [
    ...(client.grantTypes ??
      (redirectUris.length > 0 ? ['authorization_code', 'refresh_token'] : ['client_credentials'])),
  ] as GrantType[]
  for (const grant of grantTypes) {
    if (!GRANT_TYPES.includes(grant)) fail(`${where}.grantTypes may only hold ${GRANT_TYPES.join(', ')}`)
  }
  if (grantTypes.includes('client_credentials') && method === 'none') {
    fail(`${where}: client_credentials needs a confidential client (RFC 6749 §4.4)`)
  }
  if (grantTypes.includes('authorization_code')) {
    if (redirectUris.length === 0) fail(`${where}.redirectUris is required for authorization_code`)
    if (!hasInteraction) fail(`${where} uses authorization_code: configure the interaction hook`)
  }
  if (client.scope !== undefined && (typeof client.scope !== 'string' || !isScope(client.scope))) {
    fail(`${where}.scope must be a space-separated list of scope tokens`)
  }
  let tokenBinding = client.tokenBinding ?? 'allowed'
  if (!['dpop', 'allowed', 'none'].includes(tokenBinding))
    fail(`${where}.tokenBinding must be 'dpop', 'allowed' or 'none'`)
  if (client.dpopBoundAccessTokens === true) {
    if (client.tokenBinding !== undefined && client.tokenBinding !== 'dpop') {
      fail(`${where}: dpopBoundAccessTokens: true contradicts tokenBinding '${tokenBinding}'`)
    }
    tokenBinding = 'dpop'
  }
  let allowedDPoPAlgorithms: readonly string[] | undefined
  if (client.allowedDPoPAlgorithms !== undefined) {
    allowedDPoPAlgorithms = assertAlgorithms(client.allowedDPoPAlgorithms, `${where}.allowedDPoPAlgorithms`)
    if (!allowedDPoPAlgorithms.some((alg) => serverAlgorithms.includes(alg))) {
      fail(`${where}.allowedDPoPAlgorithms shares no algorithm with dpop.algorithms`)
    }
  }
  const allowedOrigins = [...(client.allowedOrigins ?? [])]
  for (const origin of allowedOrigins) {
    let parsed: URL | undefined
    try {
      parsed = new URL(origin)
    } catch {}
    if (parsed === undefined || parsed.origin !== origin) {
      fail(`${where}.allowedOrigins: each must be an origin such as https://app.example (no path or slash)`)
    }
  }
  if (client.nonce !== undefined && client.nonce !== 'off' && client.nonce !== 'always') {
    fail(`${where}.nonce must be 'off' or 'always'`)
  }
  if (client.accessTokenFormat !== undefined && !['jwt', 'opaque'].includes(client.accessTokenFormat)) {
    fail(`${where}.accessTokenFormat must be 'jwt' or 'opaque'`)
  }
  const record: ClientRecord = {
    clientId: client.clientId,
    tokenEndpointAuthMethod: method,
    ...(method === 'none' || secretMethods === undefined ? {} : { acceptedAuthMethods: [...secretMethods] }),
    redirectUris,
    grantTypes,
    tokenBinding,
    allowedOrigins,
    ...(client.scope === undefined ? {} : { scope: client.scope }),
    ...(allowedDPoPAlgorithms === undefined ? {} : { allowedDPoPAlgorithms }),
    ...(client.nonce === undefined ? {} : { nonce: client.nonce }),
    ...(client.requirePushedAuthorizationRequests === undefined
      ? {}
      : { requirePushedAuthorizationRequests: client.requirePushedAuthorizationRequests }),
    ...(client.accessTokenFormat === undefined ? {} : { accessTokenFormat: client.accessTokenFormat }),
    ...(client.clientName === undefined ? {} : { clientName: client.clientName }),
  }
  return client.clientSecret === undefined ? { record } : { record, secret: client.clientSecret }
}

/** Validates the configuration and fills in defaults; every mistake throws a TypeError saying what to change. */
export function resolveConfig(config: AuthorizationServerConfig): ResolvedConfig {
  if (typeof config !== 'object' || config === null) fail('a configuration object is required')
  const issuerUrl = resolveIssuer(config.issuer)
  const issuerPath = issuerUrl.pathname === '/' ? '' : issuerUrl.pathname.replace(/\/$/, '')
  const defaults: EndpointPaths = {
    metadata: `/.well-known/oauth-authorization-server${issuerPath}`,
    jwks: `${issuerPath}/jwks`,
    authorization: `${issuerPath}/authorize`,
    pushedAuthorizationRequest: `${issuerPath}/par`,
    token: `${issuerPath}/token`,
    introspection: `${issuerPath}/introspect`,
    revocation: `${issuerPath}/revoke`,
    registration: `${issuerPath}/register`,
  }
  const paths = { ...defaults, ...config.paths }
  const seen = new Set<string>()
  const endpoints = {} as Record<keyof EndpointPaths, Endpoint>
  for (const [name, path] of Object.entries(paths) as [keyof EndpointPaths, string][]) {
    if (typeof path !== 'string' || !path.startsWith('/') || path.includes('?') || path.includes('#')) {
      fail(`paths.${name} must be an absolute path such as ${defaults[name]}`)
    }
    if (seen.has(path)) fail(`paths.${name} duplicates another endpoint's path`)
    seen.add(path)
    endpoints[name] = { path, url: `${issuerUrl.origin}${path}` }
  }

  const dpop = config.dpop ?? {}
  const algorithms =
    dpop.algorithms === undefined ? DEFAULT_ALGORITHMS : assertAlgorithms(dpop.algorithms, 'dpop.algorithms')
  const proofTimeFrame = seconds(dpop.proofTimeFrame, 300, 'dpop.proofTimeFrame')
  const clockTolerance = dpop.clockTolerance ?? 5
  if (typeof clockTolerance !== 'number' || !Number.isFinite(clockTolerance) || clockTolerance < 0) {
    fail('dpop.clockTolerance must be a number of seconds ≥ 0')
  }
  const jtiCacheTime = seconds(dpop.jtiCacheTime, proofTimeFrame + clockTolerance, 'dpop.jtiCacheTime')
  if (jtiCacheTime < proofTimeFrame + clockTolerance) {
    fail(
      'dpop.jtiCacheTime must be at least proofTimeFrame + clockTolerance, or replayed proofs would be accepted',
    )
  }
  const nonce = dpop.nonce ?? 'off'
  if (nonce !== 'off' && nonce !== 'always' && typeof nonce !== 'function') {
    fail("dpop.nonce must be 'off', 'always' or a function (client, request) => boolean")
  }
  const now = config.now ?? Date.now
  if (typeof now !== 'function') fail('now must be a function returning epoch milliseconds')
  const nonceSource =
    dpop.nonceSource ?? createNonceSource({ secrets: [{ id: 'as', secret: randomToken(32) }], now })

  const hasInteraction = config.interaction !== undefined
  if (hasInteraction && typeof config.interaction !== 'function') fail('interaction must be a function')
  const staticClients = new Map<string, StaticClient>()
  for (const client of config.clients ?? []) {
    const resolved = resolveClient(client, algorithms, hasInteraction)
    if (staticClients.has(resolved.record.clientId))
      fail(`clients: clientId "${resolved.record.clientId}" appears twice`)
    staticClients.set(resolved.record.clientId, resolved)
  }

  if (
    config.signingKeys !== undefined &&
    (!Array.isArray(config.signingKeys) || config.signingKeys.length === 0)
  ) {
    fail('signingKeys must be a non-empty array (or omitted to generate one ES256 key)')
  }
  for (const key of config.signingKeys ?? []) {
    const isPair = typeof key === 'object' && key !== null && 'privateKey' in key
    if (!isPair && (typeof (key as JWK)?.kty !== 'string' || typeof (key as JWK).d !== 'string')) {
      fail('signingKeys: each must be a private JWK (with "d") or { privateKey, publicKey } CryptoKeys')
    }
  }
  if (config.audience !== undefined && (typeof config.audience !== 'string' || config.audience === '')) {
    fail('audience must be a non-empty string')
  }
  if (
    config.scopesSupported !== undefined &&
    !config.scopesSupported.every((scope) => SCOPE_TOKEN.test(scope))
  ) {
    fail('scopesSupported must hold scope tokens (no spaces)')
  }
  const accessTokenFormat = config.accessTokenFormat ?? 'jwt'
  if (accessTokenFormat !== 'jwt' && accessTokenFormat !== 'opaque')
    fail("accessTokenFormat must be 'jwt' or 'opaque'")
  const storage = config.storage ?? createMemoryStorage({ now })
  const replayStore = config.replayStore ?? createMemoryReplayStore({ now })
  if (typeof replayStore?.reserve !== 'function') fail('replayStore must implement reserve(key, expiresAt)')
  if (typeof storage?.consumeCode !== 'function') fail('storage must implement the Storage interface')

  const observer = resolveObserver(config.onEvent, config.logger, fail)
  const inMemory = [config.storage, config.replayStore].some((option) => option === undefined)
  if (inMemory) {
    observer?.logger.warn(
      { storage: config.storage === undefined, replayStore: config.replayStore === undefined },
      'DPoP authorization server keeps state in memory: it is lost on restart and not shared between instances (configure storage and replayStore)',
    )
  }

  return {
    issuer: config.issuer,
    endpoints,
    staticClients,
    signingKeys: config.signingKeys ?? [],
    audience: config.audience ?? config.issuer,
    scopesSupported: config.scopesSupported,
    dpop: {
      proofTimeFrame,
      clockTolerance,
      jtiCacheTime,
      algorithms,
      nonce,
      nonceSource,
      nonceServer: `authorization-server ${config.issuer}`,
    },
    replayStore,
    storage,
    accessTokenLifetime: seconds(config.accessTokenLifetime, 3600, 'accessTokenLifetime'),
    refreshTokenLifetime: seconds(config.refreshTokenLifetime, 1_209_600, 'refreshTokenLifetime'),
    codeLifetime: seconds(config.codeLifetime, 60, 'codeLifetime'),
    parLifetime: seconds(config.parLifetime, 60, 'parLifetime'),
    interactionLifetime: seconds(config.interactionLifetime, 600, 'interactionLifetime'),
    accessTokenFormat,
    requirePushedAuthorizationRequests: config.requirePushedAuthorizationRequests ?? false,
    registrationEnabled: config.registration?.enabled ?? false,
    enabledGrantTypes: hasInteraction ? GRANT_TYPES : ['client_credentials', 'refresh_token'],
    interaction: config.interaction,
    observer,
    now,
  }
}
