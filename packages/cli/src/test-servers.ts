import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isDPoPError, parseAuthorization, verifyProof } from '@dpop/core'

/** What the loopback servers saw, for assertions. */
export interface TestServers {
  issuer: string
  resourceUrl: string
  /** Token requests: each one's DPoP nonce claim and client authentication style. */
  tokenRequests: Array<{ nonce: unknown; authentication: 'basic' | 'post' | 'none'; scope: string | null }>
  /** Resource requests: each one's method, nonce claim and body. */
  resourceRequests: Array<{ method: string; nonce: unknown; body: string; contentType: string | undefined }>
  close(): Promise<void>
}

const CLIENT_ID = 'cli-test'
const CLIENT_SECRET = 'secret with spaces&symbols'

export const TEST_CLIENT = { id: CLIENT_ID, secret: CLIENT_SECRET }

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (body += chunk))
    request.on('end', () => resolve(body))
    request.on('error', reject)
  })
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers })
  response.end(JSON.stringify(body))
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '))
}

/**
 * A tiny authorization server (RFC 8414 metadata, client credentials with DPoP, a nonce demanded once per
 * client key with 400 use_dpop_nonce) and a resource (Authorization: DPoP + proof with ath, its own nonce
 * demanded with 401), both on 127.0.0.1. Proofs are checked with core's verifyProof.
 */
export async function startTestServers(): Promise<TestServers> {
  const tokens = new Map<string, string>() // access token -> jkt
  const tokenNonce = randomBytes(12).toString('base64url')
  const resourceNonce = randomBytes(12).toString('base64url')
  const state: Omit<TestServers, 'issuer' | 'resourceUrl' | 'close'> = {
    tokenRequests: [],
    resourceRequests: [],
  }
  let origin = ''
  const header = (request: IncomingMessage) => (name: string) => request.headers[name.toLowerCase()]

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = new URLSearchParams(await readBody(request))
    const basic = request.headers.authorization?.match(/^Basic (.+)$/)?.[1]
    let authentication: 'basic' | 'post' | 'none' = 'none'
    let id: string | null = null
    let secret: string | null = null
    if (basic !== undefined) {
      const [rawId = '', rawSecret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':')
      ;[authentication, id, secret] = ['basic', formDecode(rawId), formDecode(rawSecret)]
    } else if (body.has('client_id')) {
      ;[authentication, id, secret] = ['post', body.get('client_id'), body.get('client_secret')]
    }
    let verified: Awaited<ReturnType<typeof verifyProof>>
    try {
      verified = await verifyProof(
        request.headers.dpop,
        { method: request.method ?? '', url: `${origin}${request.url}`, header: header(request) },
        {},
      )
    } catch (error) {
      if (!isDPoPError(error)) throw error
      return send(response, 400, error.toJSON())
    }
    state.tokenRequests.push({ nonce: verified.claims.nonce, authentication, scope: body.get('scope') })
    if (verified.claims.nonce !== tokenNonce) {
      return send(response, 400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': tokenNonce })
    }
    if (id !== CLIENT_ID || secret !== CLIENT_SECRET) return send(response, 401, { error: 'invalid_client' })
    if (body.get('grant_type') !== 'client_credentials')
      return send(response, 400, { error: 'unsupported_grant_type' })
    const accessToken = randomBytes(24).toString('base64url')
    tokens.set(accessToken, verified.thumbprint)
    send(response, 200, { access_token: accessToken, token_type: 'DPoP', expires_in: 300 })
  }

  async function resource(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request)
    const challenge = (error: string, extra: Record<string, string> = {}) =>
      send(response, 401, { error }, { 'WWW-Authenticate': `DPoP error="${error}", algs="ES256"`, ...extra })
    const credentials = parseAuthorization(request.headers.authorization)
    if (credentials?.scheme !== 'dpop') return challenge('invalid_token')
    const jkt = tokens.get(credentials.token)
    if (jkt === undefined) return challenge('invalid_token')
    let verified: Awaited<ReturnType<typeof verifyProof>>
    try {
      verified = await verifyProof(
        request.headers.dpop,
        { method: request.method ?? '', url: `${origin}${request.url}`, header: header(request) },
        { accessToken: credentials.token, expectedThumbprint: jkt },
      )
    } catch (error) {
      if (!isDPoPError(error)) throw error
      return challenge(error.code)
    }
    state.resourceRequests.push({
      method: request.method ?? '',
      nonce: verified.claims.nonce,
      body,
      contentType: request.headers['content-type'],
    })
    if (verified.claims.nonce !== resourceNonce) {
      return challenge('use_dpop_nonce', { 'DPoP-Nonce': resourceNonce })
    }
    send(response, 200, { ok: true, jkt, method: request.method, body }, { 'X-Ignored': 'yes' })
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname
    const handle =
      path === '/.well-known/oauth-authorization-server'
        ? async () =>
            send(response, 200, {
              issuer: origin,
              token_endpoint: `${origin}/token`,
              token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
              dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
            })
        : path === '/token' && request.method === 'POST'
          ? () => token(request, response)
          : path.startsWith('/api/')
            ? () => resource(request, response)
            : async () => send(response, 404, { error: 'not_found' })
    handle().catch(() => send(response, 500, { error: 'server_error' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    issuer: origin,
    resourceUrl: `${origin}/api/items`,
    ...state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
