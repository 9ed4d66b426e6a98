import type { DPoPHttpRequest, JWK } from '@dpop/core'
import type { AuthorizationRequestRecord, ClientRecord } from './storage.js'

/** The neutral request an adapter hands to `handle()`. */
export interface AuthorizationServerRequest extends DPoPHttpRequest {
  /** The body: a string is parsed as `application/x-www-form-urlencoded` (as JSON at the registration endpoint). */
  body?: string | URLSearchParams | Record<string, string | readonly string[] | undefined>
}

/** What an adapter writes back. `body` is already serialized (JSON, HTML or ''). */
export interface AuthorizationServerResponse {
  /** The HTTP status. */
  status: number
  /** Response headers, such as `Content-Type`, `Cache-Control`, `DPoP-Nonce` and `WWW-Authenticate`. */
  headers: Record<string, string>
  /** The serialized body. */
  body: string
}

/** One endpoint of the authorization server and a method it answers. */
export interface AuthorizationServerRoute {
  /** The HTTP method. */
  method: 'GET' | 'POST' | 'OPTIONS'
  /** The absolute path on the issuer's origin, such as `/token`. */
  path: string
}

/**
 * An OAuth 2.0 authorization server that issues DPoP-bound tokens, from {@link createAuthorizationServer}.
 * It speaks in neutral requests and responses; the Express, Koa and Fastify adapters mount it.
 */
export interface AuthorizationServer {
  /** The issuer identifier (RFC 8414 §2). */
  readonly issuer: string
  /** Returns `undefined` when the URL path is not one of the server's endpoints (the adapter then calls next()). */
  handle(request: AuthorizationServerRequest): Promise<AuthorizationServerResponse | undefined>
  /** Every endpoint path with its methods, so adapters can register routes. */
  readonly routes: ReadonlyArray<AuthorizationServerRoute>
  /** The RFC 8414 metadata document. */
  metadata(): Record<string, unknown>
  /** The public keys access tokens are signed with. */
  jwks(): Promise<{
    /** The public signing keys, current first. */
    keys: JWK[]
  }>
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
  | {
      /** The authenticated user: `sub` of the tokens. */
      subject: string
      /** The scope granted, a subset of the requested one. @defaultValue the requested scope */
      scope?: string
    }
  | {
      /** A page to send the browser, such as a login or consent form posting to `resumeUrl`. */
      response: AuthorizationServerResponse
    }
  | {
      /** The user refused: the client gets `access_denied` (RFC 6749 §4.1.2.1). */
      error: 'access_denied'
    }

/**
 * Login and consent, implemented by the host: called on each visit to a pending authorization, it returns
 * the user, a page to render, or a refusal.
 */
export type InteractionHook = (context: InteractionContext) => Promise<InteractionResult> | InteractionResult
