import type { DPoPErrorCode, DPoPErrorReason } from '@dpop/core'
import type { GrantType } from '../authorization-server/storage.js'

/** Which part of the toolkit emitted an event. */
export type DPoPEventSource = 'authorization-server' | 'resource-guard'

/**
 * A DPoP proof passed every check (RFC 9449 §4.3): at the token or PAR endpoint, or at a resource guard.
 */
export interface ProofAcceptedEvent {
  /** Tells this event apart. */
  readonly type: 'proof.accepted'
  /** Who verified the proof. */
  readonly source: DPoPEventSource
  /** The proof's signing algorithm. */
  readonly alg: string
  /** RFC 7638 thumbprint of the proof's key. */
  readonly thumbprint: string
  /** The authenticated client at the authorization server, the token's `client_id` at a guard. */
  readonly clientId?: string
  /** How long `verifyProof` took, replay reservation included, in milliseconds. */
  readonly durationMs: number
}

/**
 * A DPoP proof was refused (`invalid_dpop_proof`, `use_dpop_nonce`, or 503 when the replay store failed).
 */
export interface ProofRefusedEvent {
  /** Tells this event apart. */
  readonly type: 'proof.refused'
  /** Who refused the proof. */
  readonly source: DPoPEventSource
  /** The error code answered. */
  readonly code: DPoPErrorCode
  /** Why, from the documented reason catalogue (`DPoP_ERROR_REASONS`). */
  readonly reason: DPoPErrorReason
  /** The proof header's `alg`, only when it names an algorithm this toolkit knows. */
  readonly alg?: string
  /** The key the proof had to match (the token's `cnf.jkt`, or `dpop_jkt`); never computed from the refused proof. */
  readonly thumbprint?: string
  /** The authenticated client at the authorization server, the token's `client_id` at a guard. */
  readonly clientId?: string
  /** How long the refused verification took, in milliseconds. */
  readonly durationMs: number
}

/** A proof was presented again (RFC 9449 §11.1): its `jti` was already reserved for this key. */
export interface ReplayDetectedEvent {
  /** Tells this event apart. */
  readonly type: 'replay.detected'
  /** Who saw the replay. */
  readonly source: DPoPEventSource
  /** The replayed proof's `alg`, when it is one this toolkit knows. */
  readonly alg?: string
  /** The key the proof had to match (the token's `cnf.jkt`), when known. */
  readonly thumbprint?: string
  /** The authenticated client at the authorization server, the token's `client_id` at a guard. */
  readonly clientId?: string
}

/** The request was answered `use_dpop_nonce` with a fresh `DPoP-Nonce` (RFC 9449 §8, §9). */
export interface NonceChallengedEvent {
  /** Tells this event apart. */
  readonly type: 'nonce.challenged'
  /** Who asked for a nonce. */
  readonly source: DPoPEventSource
  /** Why: no nonce in the proof (`nonce_missing`), an expired one (`nonce_stale`), or one not issued here (`nonce_invalid`). */
  readonly reason: DPoPErrorReason
  /** The authenticated client at the authorization server, the token's `client_id` at a guard. */
  readonly clientId?: string
}

/** The token endpoint issued tokens (RFC 6749 §5.1). */
export interface TokenIssuedEvent {
  /** Tells this event apart. */
  readonly type: 'token.issued'
  /** Always the authorization server. */
  readonly source: 'authorization-server'
  /** The grant that issued them. */
  readonly grantType: GrantType
  /** The client they were issued to. */
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
  /** Tells this event apart. */
  readonly type: 'refresh.rotated'
  /** Always the authorization server. */
  readonly source: 'authorization-server'
  /** The client that refreshed. */
  readonly clientId: string
  /** The key the new refresh token is bound to, for a public client. */
  readonly thumbprint?: string
}

/** A refresh token that was already rotated was presented again: its grant is revoked (RFC 9700 §4.14.2). */
export interface RefreshReusedEvent {
  /** Tells this event apart. */
  readonly type: 'refresh.reused'
  /** Always the authorization server. */
  readonly source: 'authorization-server'
  /** The client that presented the used refresh token. */
  readonly clientId: string
}

/**
 * Every access and refresh token of a grant was revoked: a rotated refresh token or a redeemed
 * authorization code was presented again (RFC 9700 §4.14.2, RFC 6749 §4.1.2), or the client revoked its
 * refresh token (RFC 7009 §2.1).
 */
export interface GrantRevokedEvent {
  /** Tells this event apart. */
  readonly type: 'grant.revoked'
  /** Always the authorization server. */
  readonly source: 'authorization-server'
  /** What revoked it: a reused refresh token, a reused code, or a revocation request. */
  readonly cause: 'refresh_token_reused' | 'code_reused' | 'revocation'
  /** The client whose request caused the revocation. */
  readonly clientId: string
}

/** A resource server introspected a token (RFC 7662). */
export interface IntrospectionEvent {
  /** Tells this event apart. */
  readonly type: 'introspection'
  /** Always the authorization server. */
  readonly source: 'authorization-server'
  /** The client that asked (a resource server), not the token's client. */
  readonly clientId: string
  /** The answer's `active`. */
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
  /** Tells this event apart. */
  readonly type: 'store.unavailable'
  /** Whose store failed. */
  readonly source: DPoPEventSource
  /** Which store failed. */
  readonly store: DPoPStoreKind
  /** The method that failed, such as `rotateRefreshToken` or `reserve`. */
  readonly operation: string
}

/** One store call and how long it took. */
export interface StoreCallEvent {
  /** Tells this event apart. */
  readonly type: 'store.call'
  /** Whose store was called. */
  readonly source: DPoPEventSource
  /** Which store was called. */
  readonly store: DPoPStoreKind
  /** The method called, such as `getRefreshToken` or `reserve`. */
  readonly operation: string
  /** Whether it threw or rejected. */
  readonly failed: boolean
  /** How long it took, in milliseconds. */
  readonly durationMs: number
}

/** One request to the token endpoint, answered. */
export interface TokenRequestEvent {
  /** Tells this event apart. */
  readonly type: 'token.request'
  /** Always the authorization server. */
  readonly source: 'authorization-server'
  /** The route, as configured (`/token`). */
  readonly route: string
  /** The request method. */
  readonly method: string
  /** The status answered. */
  readonly status: number
  /** The `grant_type`, when it is one this server knows. */
  readonly grantType?: GrantType
  /** The authenticated client, once it is known. */
  readonly clientId?: string
  /** The error code of a refused request. */
  readonly error?: DPoPErrorCode
  /** The reason of a refused request, from the reason catalogue. */
  readonly reason?: DPoPErrorReason
  /** How long the request took, in milliseconds. */
  readonly durationMs: number
}

/** One `guard.authenticate` call, accepted or refused. */
export interface GuardAuthenticateEvent {
  /** Tells this event apart. */
  readonly type: 'guard.authenticate'
  /** Always a resource guard. */
  readonly source: 'resource-guard'
  /** The request method. */
  readonly method: string
  /** 200 when accepted; the status of the refusal otherwise (401, 403, 503, or 500 for an unexpected error). */
  readonly status: number
  /** The scheme the token came with, when accepted. */
  readonly scheme?: 'DPoP' | 'Bearer'
  /** The token's `client_id`, when the token was accepted. */
  readonly clientId?: string
  /** The key the token is bound to, when accepted with DPoP. */
  readonly thumbprint?: string
  /** The error code of a refusal. */
  readonly error?: DPoPErrorCode
  /** The reason of a refusal, from the reason catalogue. */
  readonly reason?: DPoPErrorReason
  /** How long authentication took, in milliseconds. */
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
