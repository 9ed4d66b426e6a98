import type { DPoPHttpRequest, JWK } from '@dpop/core'
import type { AuthorizationRequestRecord, ClientRecord } from './storage.js'

/** The neutral request an adapter hands to `handle()`. */
export interface AuthorizationServerRequest extends DPoPHttpRequest {
  /** The body: a string is parsed as `application/x-www-form-urlencoded` (as JSON at the registration endpoint). */
  body?: string | URLSearchParams | Record<string, string | readonly string[] | undefined>
}

/** What an adapter writes back. `body` is already serialized (JSON, HTML or ''). */
export interface AuthorizationServerResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface AuthorizationServerRoute {
  method: 'GET' | 'POST' | 'OPTIONS'
  path: string
}

export interface AuthorizationServer {
  readonly issuer: string
  /** Returns `undefined` when the URL path is not one of the server's endpoints (the adapter then calls next()). */
  handle(request: AuthorizationServerRequest): Promise<AuthorizationServerResponse | undefined>
  /** Every endpoint path with its methods, so adapters can register routes. */
  readonly routes: ReadonlyArray<AuthorizationServerRoute>
  /** The RFC 8414 metadata document. */
  metadata(): Record<string, unknown>
  /** The public keys access tokens are signed with. */
  jwks(): Promise<{ keys: JWK[] }>
}

/** What the host's `interaction` hook sees: one pending authorization. */
export interface InteractionContext {
  /** The opaque id the pending authorization is stored under. */
  interactionId: string
  /** The validated authorization request. */
  authorization: Readonly<AuthorizationRequestRecord>
  /** The client that asked. */
  client: Readonly<Pick<ClientRecord, 'clientId' | 'clientName'>>
  /** The request being handled: the authorization request itself, or a visit to `resumeUrl`. */
  request: AuthorizationServerRequest
  /** The form body of a POST to `resumeUrl` (e.g. the login form), empty otherwise. */
  form: URLSearchParams
  /** True on the authorization request itself, false when the browser comes back through `resumeUrl`. */
  firstVisit: boolean
  /**
   * The absolute URL that resumes this authorization: link to it (GET) or post a form to it (POST). It is a
   * bearer capability until the authorization completes or expires: bind it to the browser session (a
   * cookie set on the first visit) and protect the form against CSRF.
   */
  resumeUrl: string
}

/**
 * The host's answer: the authenticated subject (with the scope granted, a subset of the requested one;
 * default the requested scope), a page to render (the authorization stays pending), or a refusal.
 */
export type InteractionResult =
  | { subject: string; scope?: string }
  | { response: AuthorizationServerResponse }
  | { error: 'access_denied' }

export type InteractionHook = (context: InteractionContext) => Promise<InteractionResult> | InteractionResult
