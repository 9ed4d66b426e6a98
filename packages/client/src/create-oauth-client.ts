import type { AuthorizationServerMetadata } from './authorization-server-metadata.js'
import { authenticateClient, type ClientAuthenticationMethod } from './client-authentication.js'
import { createDPoPFetch, type DPoPFetchOptions, type FetchFunction } from './create-dpop-fetch.js'
import type { DPoPHandle } from './create-dpop-handle.js'
import { discoverAuthorizationServer } from './discover-authorization-server.js'
import { OAuthError, oauthErrorOf } from './oauth-error.js'
import { codeChallengeOf, randomToken } from './pkce.js'
import { readTokenSet, type TokenSet } from './token-set.js'

/** Options of {@link createOAuthClient}. */
export interface OAuthClientOptions {
  /** The authorization server's issuer identifier; metadata must name exactly this issuer (RFC 8414 §3.3). */
  issuer: string
  /** The client identifier registered at the authorization server (RFC 6749 §2.2). */
  clientId: string
  /** The client secret of a confidential client; leave it out for a public client (browser, mobile, CLI). */
  clientSecret?: string
  /** @default 'client_secret_basic' with a `clientSecret`, else 'none' */
  clientAuthentication?: ClientAuthenticationMethod
  /** The redirect URI of authorization requests, unless one is given per request. */
  redirectUri?: string
  /** Metadata to use instead of discovery. @default discovered once, then cached */
  metadata?: AuthorizationServerMetadata
  /** Accept a `Bearer` token in answer to a DPoP token request (the server does not support DPoP). @default false */
  allowBearer?: boolean
  /** The underlying fetch. @default globalThis.fetch */
  fetch?: FetchFunction
  /** Passed to `createDPoPFetch`. @default 1048576 */
  maxReplayBodyBytes?: DPoPFetchOptions['maxReplayBodyBytes']
}

/** Parameters of a token request. */
export interface TokenRequestOptions {
  /** The scope to ask for, space-separated (RFC 6749 §3.3). */
  scope?: string
  /** RFC 8707 resource indicators. */
  resource?: string | readonly string[]
  /** More form parameters. */
  parameters?: Record<string, string>
}

/** Parameters of an authorization request. */
export interface AuthorizationRequestOptions extends TokenRequestOptions {
  /** @default the client's `redirectUri` */
  redirectUri?: string
  /** @default 256 random bits */
  state?: string
}

/** What to keep (for example in sessionStorage) until the callback: all of it is needed to redeem the code. */
export interface AuthorizationRequest {
  /** Where to send the user's browser. */
  url: URL
  /** The `state` sent, checked against the callback's (RFC 6749 §10.12). */
  state: string
  /** The PKCE code verifier, a secret sent only with the token request (RFC 7636 §4.1). */
  codeVerifier: string
  /** The redirect URI sent, which the token request must repeat (RFC 6749 §4.1.3). */
  redirectUri: string
}

/** What {@link OAuthClient.exchangeAuthorizationCode} needs from the {@link AuthorizationRequest} it answers. */
export interface AuthorizationCodeExchange {
  /** The `state` sent with the authorization request. */
  state: string
  /** The PKCE code verifier of the authorization request. */
  codeVerifier: string
  /** The redirect URI of the authorization request. */
  redirectUri: string
  /** More form parameters for the token request. */
  parameters?: Record<string, string>
}

/** An OAuth 2.0 client whose token requests carry DPoP proofs, from {@link createOAuthClient}. */
export interface OAuthClient {
  /** The DPoP handle whose key signs the proofs and binds the tokens. */
  readonly handle: DPoPHandle
  /** The DPoP fetch the client uses; it shares the handle's nonces. */
  readonly fetch: FetchFunction
  /** The authorization server's issuer identifier. */
  readonly issuer: string

  /** The authorization server metadata, discovered on first use (RFC 8414). */
  metadata(): Promise<AuthorizationServerMetadata>
  /** RFC 6749 §4.4 with a DPoP proof (RFC 9449 §5). */
  clientCredentials(options?: TokenRequestOptions): Promise<TokenSet>
  /** RFC 6749 §4.1.1 with PKCE S256 (RFC 7636), `state` and `dpop_jkt` (RFC 9449 §10). */
  buildAuthorizationUrl(options?: AuthorizationRequestOptions): Promise<AuthorizationRequest>
  /** RFC 9126: pushes the request with a DPoP proof (RFC 9449 §10.1), returns the short authorization URL. */
  pushAuthorizationRequest(options?: AuthorizationRequestOptions): Promise<AuthorizationRequest>
  /**
   * RFC 6749 §4.1.2 and §4.1.3: checks `iss` (RFC 9207) and `state` of the callback, turns an error response
   * into `OAuthError`, and redeems the code with the verifier and a DPoP proof.
   */
  exchangeAuthorizationCode(
    callback: string | URL | URLSearchParams,
    request: AuthorizationCodeExchange,
  ): Promise<TokenSet>
  /** RFC 6749 §6 with a DPoP proof: a public client's refresh token is bound to the key (RFC 9449 §5). */
  refresh(refreshToken: string, options?: TokenRequestOptions): Promise<TokenSet>
  /** RFC 7009. */
  revoke(token: string, options?: { tokenTypeHint?: 'access_token' | 'refresh_token' }): Promise<void>
}

function addCommon(body: URLSearchParams, options: TokenRequestOptions): void {
  if (options.scope !== undefined) body.set('scope', options.scope)
  const resources = typeof options.resource === 'string' ? [options.resource] : (options.resource ?? [])
  for (const resource of resources) body.append('resource', resource)
  for (const [name, value] of Object.entries(options.parameters ?? {})) body.set(name, value)
}

/** An OAuth client whose every request to the authorization server carries a DPoP proof of `handle`'s key. */
export function createOAuthClient(handle: DPoPHandle, options: OAuthClientOptions): OAuthClient {
  if (typeof options.issuer !== 'string' || !URL.canParse(options.issuer)) {
    throw new TypeError('createOAuthClient: issuer must be an absolute URL')
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new TypeError('createOAuthClient: clientId is required')
  }
  const method =
    options.clientAuthentication ?? (options.clientSecret === undefined ? 'none' : 'client_secret_basic')
  if (method !== 'none' && options.clientSecret === undefined) {
    throw new TypeError(`createOAuthClient: ${method} needs a clientSecret`)
  }
  const client = {
    clientId: options.clientId,
    method,
    ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
  }
  const { issuer } = options
  const allowBearer = options.allowBearer ?? false
  const dpopFetch = createDPoPFetch(handle, {
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.maxReplayBodyBytes === undefined ? {} : { maxReplayBodyBytes: options.maxReplayBodyBytes }),
  })

  let discovered: Promise<AuthorizationServerMetadata> | undefined
  const metadata = () => {
    if (options.metadata !== undefined) return Promise.resolve(options.metadata)
    if (discovered === undefined) {
      const attempt = discoverAuthorizationServer(
        issuer,
        options.fetch === undefined ? {} : { fetch: options.fetch },
      )
      // A failed discovery is not cached: the next call tries again.
      attempt.catch(() => {
        if (discovered === attempt) discovered = undefined
      })
      discovered = attempt
    }
    return discovered
  }
  const endpoint = async (name: keyof AuthorizationServerMetadata & `${string}_endpoint`) => {
    const url = (await metadata())[name]
    if (typeof url !== 'string')
      throw new OAuthError('invalid_metadata', { description: `the server has no ${name}` })
    return url
  }

  /** POSTs a form to an endpoint with client authentication and a proof; resolves a successful response. */
  async function post(url: string, body: URLSearchParams): Promise<Response> {
    // RFC 9449 §5.1: a server that lists its proof algorithms would reject a proof with another one.
    // The handle signs this server's proofs with the first of its algorithms the server lists.
    const algorithms = (await metadata()).dpop_signing_alg_values_supported
    if (Array.isArray(algorithms) && handle.selectAlgorithm(url, algorithms) === undefined) {
      throw new OAuthError('unsupported_dpop_algorithm', {
        description: `the server accepts DPoP proofs signed with ${algorithms.join(', ')}, not ${handle.algorithms.join(' or ')}`,
      })
    }
    const headers = new Headers({ Accept: 'application/json' })
    authenticateClient(client, body, headers)
    const response = await dpopFetch(url, { method: 'POST', headers, body })
    if (!response.ok) throw await oauthErrorOf(response)
    return response
  }

  async function tokenRequest(body: URLSearchParams): Promise<TokenSet> {
    const response = await post(await endpoint('token_endpoint'), body)
    let json: unknown
    try {
      json = await response.json()
    } catch (cause) {
      throw new OAuthError('invalid_response', {
        description: 'token response is not JSON',
        status: response.status,
        cause,
      })
    }
    return readTokenSet(json, { allowBearer, now: handle.now() })
  }

  async function authorizationParameters(request: AuthorizationRequestOptions) {
    const redirectUri = request.redirectUri ?? options.redirectUri
    if (redirectUri === undefined) throw new TypeError('createOAuthClient: a redirectUri is required')
    const state = request.state ?? randomToken()
    const codeVerifier = randomToken()
    const parameters = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge: await codeChallengeOf(codeVerifier),
      code_challenge_method: 'S256',
      dpop_jkt: handle.thumbprint,
    })
    addCommon(parameters, request)
    return { parameters, state, codeVerifier, redirectUri }
  }

  return {
    handle,
    fetch: dpopFetch,
    issuer,
    metadata,
    clientCredentials(request = {}) {
      const body = new URLSearchParams({ grant_type: 'client_credentials' })
      addCommon(body, request)
      return tokenRequest(body)
    },
    async buildAuthorizationUrl(request = {}) {
      const url = new URL(await endpoint('authorization_endpoint'))
      const { parameters, ...rest } = await authorizationParameters(request)
      for (const [name, value] of parameters) url.searchParams.append(name, value)
      return { url, ...rest }
    },
    async pushAuthorizationRequest(request = {}) {
      const url = new URL(await endpoint('authorization_endpoint'))
      const { parameters, ...rest } = await authorizationParameters(request)
      const response = await post(await endpoint('pushed_authorization_request_endpoint'), parameters)
      const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined
      const requestUri = json?.['request_uri']
      if (typeof requestUri !== 'string' || requestUri === '') {
        throw new OAuthError('invalid_response', {
          description: 'PAR response has no request_uri',
          status: response.status,
        })
      }
      url.searchParams.set('client_id', client.clientId)
      url.searchParams.set('request_uri', requestUri)
      return { url, ...rest }
    },
    async exchangeAuthorizationCode(callback, request) {
      const parameters =
        callback instanceof URLSearchParams ? callback : new URL(String(callback)).searchParams
      const iss = parameters.get('iss')
      // RFC 9207 §2.4: check the issuer first, also on error responses, to defeat mix-up attacks.
      if (iss !== null && iss !== issuer) {
        throw new OAuthError('issuer_mismatch', {
          description: 'the authorization response comes from another issuer',
        })
      }
      if (iss === null && (await metadata()).authorization_response_iss_parameter_supported === true) {
        throw new OAuthError('issuer_mismatch', {
          description: 'the authorization response lacks the iss parameter',
        })
      }
      // RFC 6749 §10.12: the state binds the response to this browser's request.
      if (parameters.get('state') !== request.state) {
        throw new OAuthError('state_mismatch', {
          description: 'the authorization response state does not match',
        })
      }
      const error = parameters.get('error')
      if (error !== null) {
        const description = parameters.get('error_description')
        const uri = parameters.get('error_uri')
        throw new OAuthError(error, {
          reason: 'error_response',
          ...(description === null ? {} : { description }),
          ...(uri === null ? {} : { uri }),
        })
      }
      const code = parameters.get('code')
      if (code === null || code === '') {
        throw new OAuthError('invalid_response', { description: 'the authorization response has no code' })
      }
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: request.redirectUri,
        code_verifier: request.codeVerifier,
      })
      for (const [name, value] of Object.entries(request.parameters ?? {})) body.set(name, value)
      return tokenRequest(body)
    },
    refresh(refreshToken, request = {}) {
      const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken })
      addCommon(body, request)
      return tokenRequest(body)
    },
    async revoke(token, request = {}) {
      const body = new URLSearchParams({ token })
      if (request.tokenTypeHint !== undefined) body.set('token_type_hint', request.tokenTypeHint)
      const response = await post(await endpoint('revocation_endpoint'), body)
      await response.body?.cancel().catch(() => undefined)
    },
  }
}
