import type { ServerResponse } from 'node:http'
import { type DPoPTestServer, type ReceivedRequest, startDPoPTestServer } from './dpop-test-server.js'

export interface OAuthTestServerOptions {
  requireNonce?: boolean
  /** The token_type of issued tokens. @default 'DPoP' */
  tokenType?: string
  expiresIn?: number
  /** Metadata members to add or override. */
  metadata?: Record<string, unknown>
  /** Where metadata is served. @default 'oauth' (RFC 8414) */
  discovery?: 'oauth' | 'openid'
  /** Whether the authorization endpoint adds `iss` to its redirect. @default true */
  sendIss?: boolean
  /** Extra headers on every response (CORS in the browser test). */
  headers?: Record<string, string>
  /** Proof algorithms the token endpoint accepts. @default core's DEFAULT_ALGORITHMS */
  algorithms?: readonly string[]
}

export interface OAuthTestServer extends DPoPTestServer {
  /** Token requests as form parameters, in order. */
  tokenRequests: { form: URLSearchParams; request: ReceivedRequest }[]
  /** Follows an authorization URL as a browser would and returns the callback URL it redirects to. */
  authorize(url: URL): Promise<URL>
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
  response.end(JSON.stringify(body))
}

async function sha256(text: string) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Buffer.from(digest).toString('base64url')
}

/** A small loopback authorization server: enough of RFC 6749/7636/9126/9449 to exercise the client. */
export async function startOAuthTestServer(options: OAuthTestServerOptions = {}): Promise<OAuthTestServer> {
  const tokenRequests: OAuthTestServer['tokenRequests'] = []
  const pushed = new Map<string, URLSearchParams>()
  const codes = new Map<string, URLSearchParams>()
  let counter = 0
  let issuer = ''
  const issue = (request: ReceivedRequest, response: ServerResponse) =>
    json(response, 200, {
      access_token: `at-${++counter}`,
      token_type: options.tokenType ?? 'DPoP',
      expires_in: options.expiresIn ?? 3600,
      refresh_token: `rt-${counter}`,
      scope: new URLSearchParams(request.body).get('scope') ?? 'default',
    })
  const server = await startDPoPTestServer({
    context: 'token',
    ...(options.requireNonce ? { requireNonce: true } : {}),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    unprotected: (path) => path.startsWith('/.well-known/') || path === '/authorize',
    respond: async (request, response) => {
      const url = new URL(request.url)
      const form = new URLSearchParams(request.body)
      const discovery = options.discovery ?? 'oauth'
      if (
        url.pathname ===
        `/.well-known/${discovery === 'oauth' ? 'oauth-authorization-server' : 'openid-configuration'}`
      ) {
        return json(response, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          pushed_authorization_request_endpoint: `${issuer}/par`,
          revocation_endpoint: `${issuer}/revoke`,
          dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
          authorization_response_iss_parameter_supported: options.sendIss ?? true,
          ...options.metadata,
        })
      }
      if (url.pathname.startsWith('/.well-known/')) return json(response, 404, { error: 'not_found' })
      if (url.pathname === '/authorize') {
        let parameters = url.searchParams
        const requestUri = parameters.get('request_uri')
        if (requestUri !== null) parameters = pushed.get(requestUri) ?? new URLSearchParams()
        const code = `code-${++counter}`
        codes.set(code, parameters)
        const redirect = new URL(parameters.get('redirect_uri') ?? 'http://invalid/')
        redirect.searchParams.set('code', code)
        redirect.searchParams.set('state', parameters.get('state') ?? '')
        if (options.sendIss ?? true) redirect.searchParams.set('iss', issuer)
        response.writeHead(302, { Location: redirect.href }).end()
        return
      }
      if (url.pathname === '/par') {
        const requestUri = `urn:ietf:params:oauth:request_uri:${++counter}`
        if (request.proof !== undefined) form.set('proof_jkt', request.proof.thumbprint)
        pushed.set(requestUri, form)
        return json(response, 201, { request_uri: requestUri, expires_in: 60 })
      }
      if (url.pathname === '/revoke') return void response.writeHead(200).end()
      if (url.pathname !== '/token') return json(response, 404, { error: 'not_found' })
      tokenRequests.push({ form, request })
      const grant = form.get('grant_type')
      if (grant === 'client_credentials' || grant === 'refresh_token') return issue(request, response)
      if (grant === 'authorization_code') {
        const authorization = codes.get(form.get('code') ?? '')
        if (authorization === undefined) return json(response, 400, { error: 'invalid_grant' })
        codes.delete(form.get('code') ?? '')
        const challenge = await sha256(form.get('code_verifier') ?? '')
        if (challenge !== authorization.get('code_challenge')) {
          return json(response, 400, {
            error: 'invalid_grant',
            error_description: 'PKCE verification failed',
          })
        }
        const jkt = authorization.get('dpop_jkt') ?? authorization.get('proof_jkt')
        if (jkt !== request.proof?.thumbprint) {
          return json(response, 400, { error: 'invalid_dpop_proof', error_description: 'dpop_jkt mismatch' })
        }
        return issue(request, response)
      }
      return json(response, 400, { error: 'unsupported_grant_type', error_description: 'no such grant' })
    },
  })
  issuer = server.url
  return {
    ...server,
    tokenRequests,
    async authorize(url) {
      const response = await fetch(url, { redirect: 'manual' })
      const location = response.headers.get('location')
      if (location === null) throw new Error(`authorization endpoint answered ${response.status}`)
      return new URL(location)
    },
  }
}
