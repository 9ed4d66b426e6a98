import type { JWK } from '@dpop/core'

/** Grant types the server implements. */
export type GrantType = 'authorization_code' | 'client_credentials' | 'refresh_token'

/** Client authentication methods at the token, PAR, introspection and revocation endpoints (RFC 7591 §2). */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none'

/**
 * How access tokens of a client are bound (RFC 9449 §5):
 * - `'dpop'`: a DPoP proof is required at the token endpoint (`dpop_bound_access_tokens: true`, §5.2);
 * - `'allowed'`: DPoP-bound when a proof is sent, else a Bearer token;
 * - `'none'`: always a Bearer access token. A proof that is sent is still verified (an invalid proof is
 *   rejected) and still binds the refresh token of a public client (§5).
 */
export type TokenBinding = 'dpop' | 'allowed' | 'none'

/** A client as the server knows it: static clients are resolved to this shape, registered ones are stored so. */
export interface ClientRecord {
  /** The client identifier. */
  clientId: string
  /** base64url(SHA-256(secret)); absent for public clients. */
  clientSecretHash?: string
  /** The method the client is registered with (RFC 7591 §2 `token_endpoint_auth_method`). */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod
  /** Every method the client may authenticate with; absent = `tokenEndpointAuthMethod` only. */
  acceptedAuthMethods?: readonly TokenEndpointAuthMethod[]
  /** Exact redirect URIs (RFC 6749 §3.1.2). */
  redirectUris: readonly string[]
  /** The grants the client may use. */
  grantTypes: readonly GrantType[]
  /** Space-separated scopes the client may request; absent = any scope. */
  scope?: string
  /** How the client's access tokens are bound. */
  tokenBinding: TokenBinding
  /** DPoP proof algorithms accepted from this client (intersected with the server's). */
  allowedDPoPAlgorithms?: readonly string[]
  /** Browser origins allowed by CORS at the token, PAR and revocation endpoints. */
  allowedOrigins?: readonly string[]
  /** Per-client nonce policy (RFC 9449 §8); absent = the server's policy. */
  nonce?: 'off' | 'always'
  /** RFC 9126 §6: this client must use PAR. */
  requirePushedAuthorizationRequests?: boolean
  /** JWT or opaque access tokens; absent = the server's format. */
  accessTokenFormat?: 'jwt' | 'opaque'
  /** The name shown on login and consent pages (RFC 7591 §2 `client_name`). */
  clientName?: string
  /** The client's public keys, as registered (RFC 7591 §2 `jwks`). */
  jwks?: {
    /** The keys. */
    keys: JWK[]
  }
  /** Epoch seconds (RFC 7591 `client_id_issued_at`). */
  issuedAt?: number
  /** Epoch milliseconds after which the record may be dropped; absent = never. */
  expiresAt?: number
}

/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 9449 §10). */
export interface AuthorizationRequestRecord {
  /** The client that made the request. */
  clientId: string
  /** The redirect URI the response goes to. */
  redirectUri: string
  /** Whether `redirect_uri` was in the request: then the token request must repeat it (RFC 6749 §4.1.3). */
  redirectUriProvided: boolean
  /** Space-separated, possibly empty. */
  scope: string
  /** The client's `state`, returned with the response. */
  state?: string
  /** The PKCE S256 code challenge (RFC 7636 §4.2). */
  codeChallenge: string
  /** Thumbprint the code is bound to: `dpop_jkt`, or the key of the DPoP proof sent with PAR (§10.1). */
  dpopJkt?: string
  /** Whether the request was pushed (RFC 9126). */
  pushed: boolean
}

/** A pushed authorization request, stored under the id in its `request_uri` (RFC 9126 §2.2). */
export interface PushedRequestRecord {
  /** The validated request. */
  request: AuthorizationRequestRecord
  /** Epoch milliseconds. */
  expiresAt: number
}

/** An authorization waiting for the host's login/consent, stored under an opaque id. */
export interface InteractionRecord {
  /** The validated request being answered. */
  request: AuthorizationRequestRecord
  /** Epoch milliseconds. */
  expiresAt: number
}

/** An authorization code, stored under the hash of its value. */
export interface CodeRecord {
  /** The authorization request the code answers. */
  request: AuthorizationRequestRecord
  /** The user the code was issued for (`sub` of its tokens). */
  subject: string
  /** The scope granted (a subset of the requested one). */
  scope: string
  /** Epoch seconds of the interaction's completion. */
  authTime: number
  /** Epoch milliseconds. */
  expiresAt: number
}

/**
 * The grant an authorization code started, stored under the code's hash once the code is redeemed, so that
 * a second redemption can revoke every token of that grant (RFC 6749 §4.1.2, RFC 9700 §4.14.2).
 */
export interface CodeRedemptionRecord {
  /** The grant the code started: every access and refresh token issued from it carries this id. */
  grantId: string
  /** Epoch milliseconds after which the record may be dropped. */
  expiresAt: number
}

/**
 * A refresh token, stored under the hash of its value. Every token issued from one grant (the refresh
 * tokens of its rotation family and every access token) shares its `grantId`.
 */
export interface RefreshTokenRecord {
  /** The grant the token belongs to. */
  grantId: string
  /** The client the token was issued to. */
  clientId: string
  /** The user the token was issued for. */
  subject: string
  /** The scope granted, space-separated. */
  scope: string
  /** Thumbprint the token is bound to (public clients that used DPoP, RFC 9449 §5). */
  jkt?: string
  /** Epoch seconds. */
  issuedAt: number
  /** Epoch milliseconds. */
  expiresAt: number
}

/** An opaque access token, stored under the hash of its value. */
export interface AccessTokenRecord {
  /** The token's unique identifier. */
  jti: string
  /** The grant the token was issued from (authorization code and refresh grants); revoking it revokes the token. */
  grantId?: string
  /** The client the token was issued to. */
  clientId: string
  /** The user or client the token was issued for (`sub`). */
  subject: string
  /** The scope granted, space-separated. */
  scope: string
  /** The resource the token is meant for (`aud`). */
  audience: string
  /** Thumbprint of the key the token is bound to (`cnf.jkt`, RFC 9449 §6); absent for a Bearer token. */
  jkt?: string
  /** Epoch seconds. */
  issuedAt: number
  /** Epoch milliseconds. */
  expiresAt: number
}

/** State of a refresh token: `used` once rotated, `revoked` when its grant was revoked. */
export interface RefreshTokenLookup {
  /** The stored token. */
  record: RefreshTokenRecord
  /** `active`, `used` (already rotated) or `revoked` (its grant was revoked). */
  status: 'active' | 'used' | 'revoked'
}

/**
 * Result of `rotateRefreshToken`: `rotated` when the token was active and is now marked used (the caller
 * issues its successor), `reused` when it had already been used (the caller revokes the grant),
 * `revoked` when its grant is revoked.
 */
export interface RefreshTokenRotation {
  /** The stored token. */
  record: RefreshTokenRecord
  /** What happened; see above. */
  status: 'rotated' | 'reused' | 'revoked'
}

/**
 * Everything the authorization server keeps. Every method is async and every operation that must be atomic
 * is one call, so that it maps onto one Redis command or a small Lua script. Keys are hashes or random ids,
 * never token values. Records carry `expiresAt` (epoch ms): store them with that TTL (`PX`); the server
 * also checks expiry itself, so returning an expired record is harmless. A method that cannot answer must
 * reject: the server then answers 503 `temporarily_unavailable` and issues nothing.
 */
export interface Storage {
  /** A dynamically registered client (static clients never reach storage). Redis: GET. */
  getClient(clientId: string): Promise<ClientRecord | undefined>
  /** Stores a registered client. Redis: SET (PX when `expiresAt`). */
  saveClient(record: ClientRecord): Promise<void>

  /** Redis: SET PX. */
  saveCode(codeHash: string, record: CodeRecord): Promise<void>
  /** Returns the record once and deletes it, atomically: a concurrent second call gets `undefined`. Redis: GETDEL. */
  consumeCode(codeHash: string): Promise<CodeRecord | undefined>

  /**
   * Optional: remembers the grant a redeemed code started (key: the code's hash). Without this pair of
   * methods a replayed code is still refused, but the tokens issued from it are not revoked. Redis: SET PX.
   */
  saveCodeRedemption?(codeHash: string, record: CodeRedemptionRecord): Promise<void>
  /** Optional: returns the redemption once and deletes it, atomically. Redis: GETDEL. */
  consumeCodeRedemption?(codeHash: string): Promise<CodeRedemptionRecord | undefined>

  /** Redis: SET PX. */
  savePushedRequest(id: string, record: PushedRequestRecord): Promise<void>
  /** Single use, atomically (RFC 9126 §4). Redis: GETDEL. */
  consumePushedRequest(id: string): Promise<PushedRequestRecord | undefined>

  /** Redis: SET PX. */
  saveInteraction(id: string, record: InteractionRecord): Promise<void>
  /** Reads without consuming (the host may render several pages). Redis: GET. */
  getInteraction(id: string): Promise<InteractionRecord | undefined>
  /** Completes it once, atomically. Redis: GETDEL. */
  consumeInteraction(id: string): Promise<InteractionRecord | undefined>

  /** Redis: SET PX. */
  saveRefreshToken(tokenHash: string, record: RefreshTokenRecord): Promise<void>
  /** Reads a refresh token and its state without changing it (introspection, pre-checks). */
  getRefreshToken(tokenHash: string): Promise<RefreshTokenLookup | undefined>
  /**
   * Atomically: if the token is unknown → `undefined`; if its grant is revoked → `revoked`; if it is
   * already used → `reused`; else mark it used → `rotated`. Redis: a Lua script over the token key
   * (a `used` field) and the grant's revocation key.
   */
  rotateRefreshToken(tokenHash: string): Promise<RefreshTokenRotation | undefined>

  /**
   * Revokes the grant, atomically and for good: every refresh token and every access token that carries
   * `grantId`, including those saved after this call (RFC 9700 §4.14.2, RFC 7009 §2.1). The revocation lasts
   * at least until `expiresAt` (epoch ms) and at least as long as any refresh token saved into the grant.
   * Redis: a Lua script setting the grant's revocation key with PXAT.
   */
  revokeGrant(grantId: string, expiresAt: number): Promise<void>
  /** Whether `revokeGrant` was called for this grant (and its revocation has not expired). Redis: EXISTS. */
  isGrantRevoked(grantId: string): Promise<boolean>

  /** Opaque access tokens only. Redis: SET PX. */
  saveAccessToken(tokenHash: string, record: AccessTokenRecord): Promise<void>
  /** Redis: GET. */
  getAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined>

  /** Remembers a revoked access token id until `expiresAt` (its `exp`, epoch ms). Redis: SET PX. */
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>
  /** Redis: EXISTS. */
  isAccessTokenRevoked(jti: string): Promise<boolean>
}
