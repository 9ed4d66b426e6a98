import type { DPoPKeyPair } from '@dpop/core'

/** The families a case belongs to; `cases` filters on them as well as on id prefixes. */
export type ConformanceFamily =
  | 'control'
  | 'proof-syntax'
  | 'proof-header'
  | 'proof-claims'
  | 'htm'
  | 'htu'
  | 'iat'
  | 'replay'
  | 'ath'
  | 'binding'
  | 'downgrade'
  | 'headers'
  | 'nonce'
  | 'dpop_jkt'
  | 'par'
  | 'refresh'
  | 'introspection'
  | 'metadata'
  | 'cors'
  | 'alg'
  | 'token-placement'

export type ConformanceOutcome = 'pass' | 'fail' | 'warn' | 'skip'

/** How the kit authenticates the client at the token endpoint (RFC 7591 §2 `token_endpoint_auth_method`). */
export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none'

export interface ConformanceClient {
  clientId: string
  clientSecret?: string
  /** @default 'client_secret_basic' with a secret, 'none' without */
  authMethod?: ClientAuthenticationMethod
}

/** Tokens obtained for a user (for example by an authorization-code flow the caller runs). */
export interface UserTokens {
  accessToken: string
  refreshToken?: string
  /** The key the tokens are bound to. */
  dpopKeyPair: DPoPKeyPair
  /** The client the tokens were issued to: refresh binding is checked for public clients (no secret). */
  client: ConformanceClient
}

/** What the kit needs to run an authorization-code flow itself (dpop_jkt and PAR cases). */
export interface ConformanceAuthorization {
  client: ConformanceClient
  redirectUri: string
  scope?: string
  /**
   * Completes the user's part of an authorization request: receives the authorization URL and returns
   * the redirect URL the server answered with (carrying `code` and `state`), for example by driving a
   * test login.
   */
  authorize(authorizationUrl: string): Promise<string>
}

export interface ConformanceResource {
  url: string
  /** @default 'GET' */
  method?: string
  /**
   * Which token the resource takes: the client-credentials token of the controls, or the user's from
   * `target.userTokens` (a userinfo endpoint, say). @default 'client'
   */
  tokens?: 'client' | 'user'
  /** A nonce this resource issued long enough ago to be stale (its nonce.stale case is skipped without it). */
  staleNonce?: string
}

export interface ConformanceTarget {
  /** The authorization server's issuer identifier; metadata is read from its RFC 8414 well-known URL. */
  issuer: string
  /** A client allowed the `client_credentials` grant with DPoP-bound tokens. */
  client: ConformanceClient
  scope?: string
  /** Protected resources; every resource case runs at each of them. */
  resources: readonly ConformanceResource[]
  /**
   * Tokens of a user (refresh cases, resources with `tokens: 'user'`). When the kit passes a key pair, bind
   * the tokens to it: the kit does so to sign proofs of every algorithm (and with a private jwk) at
   * resources that take user tokens; a hook that binds another key makes those cases skip.
   */
  userTokens?: (dpopKeyPair?: DPoPKeyPair) => Promise<UserTokens>
  /** Lets the kit run authorization-code flows (dpop_jkt and PAR cases). */
  authorization?: ConformanceAuthorization
  /** A browser origin the server allows through CORS. @default 'https://conformance.invalid' */
  origin?: string
  /**
   * A nonce the authorization server issued long enough ago to be stale (nonce.stale:token is skipped
   * without it). Each resource takes its own `staleNonce`: a nonce of one server is no stale nonce of another.
   */
  staleNonce?: string
}

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>

export interface ConformanceOptions {
  /** Ids (or id prefixes) and families to run; controls always run. @default every case */
  cases?: readonly string[]
  /** @default globalThis.fetch */
  fetch?: FetchFunction
  /** Per-request timeout in milliseconds. @default 10_000 */
  timeout?: number
}

/** What a case sent, in short. */
export interface SentSummary {
  method: string
  url: string
  /** Notable headers and what was wrong with them, in words. */
  notes?: string
}

export interface ReceivedSummary {
  status: number
  /** The `error` of a JSON body or of the `WWW-Authenticate` challenge. */
  error?: string
  /** Its `error_description`, when the server gave one. */
  description?: string
  /** The raw `WWW-Authenticate` value. */
  challenge?: string
}

export interface ConformanceResult {
  id: string
  /** The RFC section(s) the verdict rests on. */
  clause: string
  family: ConformanceFamily
  title: string
  sent?: SentSummary
  received?: ReceivedSummary
  outcome: ConformanceOutcome
  /** One line: how to fix a failure, why the case was skipped or warned, or what reading a pass rests on. */
  hint?: string
}

export interface ConformanceSummary {
  passed: number
  failed: number
  warned: number
  skipped: number
}

export interface ConformanceReport {
  results: ConformanceResult[]
  summary: ConformanceSummary
}
