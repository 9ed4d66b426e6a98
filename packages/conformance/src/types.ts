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

/**
 * The verdict of one case: `pass`, `fail` (the deployment accepted what it must refuse, or the reverse),
 * `warn` (safe, but not what the specification recommends, such as a refusal with another error code) or
 * `skip` (the case could not run against this target, for example without user tokens).
 */
export type ConformanceOutcome = 'pass' | 'fail' | 'warn' | 'skip'

/** How the kit authenticates the client at the token endpoint (RFC 7591 §2 `token_endpoint_auth_method`). */
export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none'

/** A client registered at the authorization server under test. */
export interface ConformanceClient {
  /** Its client identifier. */
  clientId: string
  /** Its secret, for a confidential client. */
  clientSecret?: string
  /** @default 'client_secret_basic' with a secret, 'none' without */
  authMethod?: ClientAuthenticationMethod
}

/** Tokens obtained for a user (for example by an authorization-code flow the caller runs). */
export interface UserTokens {
  /** The user's DPoP-bound access token. */
  accessToken: string
  /** The user's refresh token, for the refresh cases. */
  refreshToken?: string
  /** The key the tokens are bound to. */
  dpopKeyPair: DPoPKeyPair
  /** The client the tokens were issued to: refresh binding is checked for public clients (no secret). */
  client: ConformanceClient
}

/** What the kit needs to run an authorization-code flow itself (dpop_jkt and PAR cases). */
export interface ConformanceAuthorization {
  /** A client allowed the `authorization_code` grant. */
  client: ConformanceClient
  /** One of its registered redirect URIs. */
  redirectUri: string
  /** The scope to ask for. */
  scope?: string
  /**
   * Completes the user's part of an authorization request: receives the authorization URL and returns
   * the redirect URL the server answered with (carrying `code` and `state`), for example by driving a
   * test login.
   */
  authorize(authorizationUrl: string): Promise<string>
}

/** A protected resource of the deployment under test. */
export interface ConformanceResource {
  /** The absolute URL of the resource. */
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

/** The deployment to test: an authorization server, a client it knows and the resources it protects. */
export interface ConformanceTarget {
  /** The authorization server's issuer identifier; metadata is read from its RFC 8414 well-known URL. */
  issuer: string
  /** A client allowed the `client_credentials` grant with DPoP-bound tokens. */
  client: ConformanceClient
  /** The scope of the client credentials tokens. */
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

/** The fetch the kit sends its requests with. */
export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Ids (or id prefixes) and families to run; controls always run. @default every case */
  cases?: readonly string[]
  /** The fetch to send requests with, for example one that trusts a test CA. @default globalThis.fetch */
  fetch?: FetchFunction
  /** Per-request timeout in milliseconds. @default 10_000 */
  timeout?: number
}

/** What a case sent, in short. */
export interface SentSummary {
  /** The HTTP method. */
  method: string
  /** The URL. */
  url: string
  /** Notable headers and what was wrong with them, in words. */
  notes?: string
}

/** What the server answered to a case, in short. */
export interface ReceivedSummary {
  /** The HTTP status. */
  status: number
  /** The `error` of a JSON body or of the `WWW-Authenticate` challenge. */
  error?: string
  /** Its `error_description`, when the server gave one. */
  description?: string
  /** The raw `WWW-Authenticate` value. */
  challenge?: string
}

/** The verdict of one case. */
export interface ConformanceResult {
  /** The case id, such as `dpop_jkt.mismatch`. */
  id: string
  /** The RFC section(s) the verdict rests on. */
  clause: string
  /** The family of the case. */
  family: ConformanceFamily
  /** What the case checks, in one line. */
  title: string
  /** The request that decided the verdict. */
  sent?: SentSummary
  /** The answer that decided the verdict. */
  received?: ReceivedSummary
  /** The verdict. */
  outcome: ConformanceOutcome
  /** One line: how to fix a failure, why the case was skipped or warned, or what reading a pass rests on. */
  hint?: string
}

/** How many cases ended in each outcome. */
export interface ConformanceSummary {
  /** Cases that passed. */
  passed: number
  /** Cases that failed. */
  failed: number
  /** Cases that warned. */

  warned: number
  /** Cases that could not run against this target. */
  skipped: number
}

/** What {@link runConformance} returns: every verdict, and their counts. */
export interface ConformanceReport {
  /** One result per case, in the order they ran. */
  results: ConformanceResult[]
  /** The counts of each outcome. */
  summary: ConformanceSummary
}
