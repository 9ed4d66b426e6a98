import type { DPoPErrorCode, DPoPErrorReason } from '@dpop/core'
import type { GrantType } from '../authorization-server/storage.js'

/** Which part of the toolkit emitted an event. */
export type DPoPEventSource = 'authorization-server' | 'resource-guard'

/**
 * A DPoP proof passed every check (RFC 9449 §4.3): at the token or PAR endpoint, or at a resource guard.
 * `durationMs` is the time `verifyProof` took, replay reservation included.
 */
export interface ProofAcceptedEvent {
  readonly type: 'proof.accepted'
  readonly source: DPoPEventSource
  readonly alg: string
  /** RFC 7638 thumbprint of the proof's key. */
  readonly thumbprint: string
  /** The authenticated client at the authorization server, the token's `client_id` at a guard. */
  readonly clientId?: string
  readonly durationMs: number
}

/**
 * A DPoP proof was refused (`invalid_dpop_proof`, `use_dpop_nonce`, or 503 when the replay store failed).
 * `alg` is the proof header's, given only when it names an algorithm this toolkit knows; `thumbprint` is
 * the key the proof had to match (the token's `cnf.jkt`, or `dpop_jkt`), never computed from the refused proof.
 */
export interface ProofRefusedEvent {
  readonly type: 'proof.refused'
  readonly source: DPoPEventSource
  readonly code: DPoPErrorCode
  readonly reason: DPoPErrorReason
  readonly alg?: string
  readonly thumbprint?: string
  readonly clientId?: string
  readonly durationMs: number
}

/** A proof was presented again (RFC 9449 §11.1): its `jti` was already reserved for this key. */
export interface ReplayDetectedEvent {
  readonly type: 'replay.detected'
  readonly source: DPoPEventSource
  readonly alg?: string
  readonly thumbprint?: string
  readonly clientId?: string
}

/** The request was answered `use_dpop_nonce` with a fresh `DPoP-Nonce` (RFC 9449 §8, §9). */
export interface NonceChallengedEvent {
  readonly type: 'nonce.challenged'
  readonly source: DPoPEventSource
  /** Why: no nonce in the proof, an expired one, or one this server did not issue. */
  readonly reason: DPoPErrorReason
  readonly clientId?: string
}

/** The token endpoint issued tokens (RFC 6749 §5.1). */
export interface TokenIssuedEvent {
  readonly type: 'token.issued'
  readonly source: 'authorization-server'
  readonly grantType: GrantType
  readonly clientId: string
  /** `DPoP` for an access token bound to the proof's key (RFC 9449 §5), else `Bearer`. */
  readonly tokenType: 'DPoP' | 'Bearer'
  /** The key the access token is bound to (`cnf.jkt`), for a `DPoP` token. */
  readonly thumbprint?: string
  /**
   * How the refresh token issued with it is bound: to the proof's key (public clients) or to the client
   * (confidential clients), RFC 9449 §5. Absent when no refresh token was issued.
   */
  readonly refreshTokenBinding?: 'dpop' | 'client'
}

/** A refresh token was used once and replaced by a new one (RFC 6749 §6, RFC 9700 §4.14.2). */
export interface RefreshRotatedEvent {
  readonly type: 'refresh.rotated'
  readonly source: 'authorization-server'
  readonly clientId: string
  /** The key the new refresh token is bound to, for a public client. */
  readonly thumbprint?: string
}

/** A refresh token that was already rotated was presented again: its grant is revoked (RFC 9700 §4.14.2). */
export interface RefreshReusedEvent {
  readonly type: 'refresh.reused'
  readonly source: 'authorization-server'
  readonly clientId: string
}

/**
 * Every access and refresh token of a grant was revoked: a rotated refresh token or a redeemed
 * authorization code was presented again (RFC 9700 §4.14.2, RFC 6749 §4.1.2), or the client revoked its
 * refresh token (RFC 7009 §2.1).
 */
export interface GrantRevokedEvent {
  readonly type: 'grant.revoked'
  readonly source: 'authorization-server'
  readonly cause: 'refresh_token_reused' | 'code_reused' | 'revocation'
  /** The client whose request caused the revocation. */
  readonly clientId: string
}

/** A resource server introspected a token (RFC 7662). */
export interface IntrospectionEvent {
  readonly type: 'introspection'
  readonly source: 'authorization-server'
  /** The client that asked (a resource server), not the token's client. */
  readonly clientId: string
  readonly active: boolean
  /** What the token was, when active. */
  readonly tokenKind?: 'access_token' | 'refresh_token'
}

/** Which store an event is about: the authorization server's `Storage`, or a `ReplayStore`. */
export type DPoPStoreKind = 'storage' | 'replay'

/**
 * A store call failed, and the request was answered 503 `temporarily_unavailable` (fail closed). The
 * configured `logger` receives the cause.
 */
export interface StoreUnavailableEvent {
  readonly type: 'store.unavailable'
  readonly source: DPoPEventSource
  readonly store: DPoPStoreKind
  /** The method that failed, such as `rotateRefreshToken` or `reserve`. */
  readonly operation: string
}

/** One store call and how long it took (failed: it threw or rejected). */
export interface StoreCallEvent {
  readonly type: 'store.call'
  readonly source: DPoPEventSource
  readonly store: DPoPStoreKind
  readonly operation: string
  readonly failed: boolean
  readonly durationMs: number
}

/** One request to the token endpoint, answered. */
export interface TokenRequestEvent {
  readonly type: 'token.request'
  readonly source: 'authorization-server'
  /** The route, as configured (`/token`). */
  readonly route: string
  readonly method: string
  readonly status: number
  /** The `grant_type`, when it is one this server knows. */
  readonly grantType?: GrantType
  readonly clientId?: string
  /** The error code and reason of a refused request. */
  readonly error?: DPoPErrorCode
  readonly reason?: DPoPErrorReason
  readonly durationMs: number
}

/** One `guard.authenticate` call, accepted or refused. */
export interface GuardAuthenticateEvent {
  readonly type: 'guard.authenticate'
  readonly source: 'resource-guard'
  readonly method: string
  /** 200 when accepted; the status of the refusal otherwise (401, 403, 503, or 500 for an unexpected error). */
  readonly status: number
  readonly scheme?: 'DPoP' | 'Bearer'
  /** The token's `client_id`, when the token was verified. */
  readonly clientId?: string
  /** The key the token is bound to, when accepted with DPoP. */
  readonly thumbprint?: string
  readonly error?: DPoPErrorCode
  readonly reason?: DPoPErrorReason
  readonly durationMs: number
}

/**
 * Everything the authorization server and the resource guards report to `onEvent`, told apart by `type`.
 * No event carries a token, a proof, a secret, a code or a subject: only thumbprints, client ids, reasons,
 * statuses and timings, so every event can go to logs and metrics as it is.
 */
export type DPoPServerEvent =
  | ProofAcceptedEvent
  | ProofRefusedEvent
  | ReplayDetectedEvent
  | NonceChallengedEvent
  | TokenIssuedEvent
  | RefreshRotatedEvent
  | RefreshReusedEvent
  | GrantRevokedEvent
  | IntrospectionEvent
  | StoreUnavailableEvent
  | StoreCallEvent
  | TokenRequestEvent
  | GuardAuthenticateEvent

/**
 * Receives each event as it happens. It runs inside the request: keep it quick, or hand the event on.
 * Whatever it throws or rejects with is caught and given to the `logger`; it never changes an answer.
 */
export type DPoPEventHandler = (event: DPoPServerEvent) => void | Promise<void>
