// Test-only (not exported): a loopback DPoP deployment built from @dpop/server, correct or with one check disabled.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createDPoPHandle, createOAuthClient } from '@dpop/client'
import {
  contextualizeError,
  createMemoryReplayStore,
  createNonceSource,
  DPoPError,
  type DPoPHttpRequest,
  generateKeyPair,
  type NonceSource,
  parseAuthorization,
  type ReplayStore,
  SUPPORTED_ALGORITHMS,
  verifyProof,
} from '@dpop/core'
import {
  createAuthorizationServer,
  createMemoryStorage,
  createNeutralRequest,
  createResourceGuard,
  errorToResponse,
  isDPoPError,
  type ResourceGuard,
  resourceCorsHeaders,
} from '@dpop/server'
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import type { ConformanceTarget } from './types.js'

export type BrokenCheck =
  | 'replay'
  | 'ath'
  | 'htu'
  | 'downgrade'
  | 'dpop_jkt'
  | 'nonce'
  | 'proxy'
  | 'foreign-nonce'
  | 'bearer-allowed'
  | 'grant-revocation'

export interface LoopbackOptions {
  /** @default 'off' */
  nonce?: 'off' | 'always'
  /** The one check this deployment gets wrong. */
  broken?: BrokenCheck
}

export interface LoopbackTarget {
  target: ConformanceTarget
  close(): Promise<void>
}

const ORIGIN = 'https://app.example'
// Every algorithm core verifies, so the kit's algorithm probes all run.
const ALGORITHMS = [...SUPPORTED_ALGORITHMS]

type Handler = (req: IncomingMessage, res: ServerResponse, url: string) => Promise<void>

async function listen(
  handler: Handler,
): Promise<{ server: Server; base: string; setHandler(h: Handler): void }> {
  let current = handler
  const server = createServer((req, res) => {
    current(req, res, req.url ?? '/').catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    setHandler: (h) => {
      current = h
    },
  }
}

function neutral(req: IncomingMessage, url: string, body?: string): DPoPHttpRequest {
  return createNeutralRequest(req.method ?? 'GET', url, req.headers, req.rawHeaders, body)
}

const brokenReplayStore: ReplayStore = { reserve: async () => true }

function brokenNonceSource(source: NonceSource): NonceSource {
  return {
    issue: (server) => source.issue(server),
    verify: async () => ({ status: 'valid', expiresSoon: false }),
  }
}

function invalidToken(): DPoPError {
  return contextualizeError(
    new DPoPError('invalid_token', 'token_invalid', { description: 'invalid token' }),
    'resource',
    {
      algs: ALGORITHMS,
    },
  )
}

/** Starts an authorization server and one resource on loopback listeners. */
export async function startLoopbackTarget(options: LoopbackOptions = {}): Promise<LoopbackTarget> {
  const broken = options.broken
  const nonceMode = broken === 'nonce' || broken === 'foreign-nonce' ? 'always' : (options.nonce ?? 'off')
  const asSecrets = [{ id: 'k1', secret: 'conformance-test-nonce-secret-0123456789' }]
  // One nonce source for both servers: each binds its nonces to its own identity (the `server` argument).
  // The identities are recorded as the servers use them, to make stale nonces of the same servers.
  const shared = createNonceSource({ secrets: asSecrets })
  // Nonces of the same servers an hour ago: stale (RFC 9449 §8, §9), made when a server first issues one.
  const longAgo = createNonceSource({ secrets: asSecrets, now: () => Date.now() - 3_600_000 })
  const staleNonces = new Map<string, string>()
  const recording: NonceSource = {
    issue: (server) => {
      if (server !== undefined && !staleNonces.has(server)) {
        staleNonces.set(server, '')
        void longAgo.issue(server).then((nonce) => staleNonces.set(server, nonce))
      }
      return shared.issue(server)
    },
    verify: (value, server) => shared.verify(value, server),
  }
  // 'foreign-nonce': the identity is dropped, so a nonce of one server passes at the other.
  const realSource: NonceSource =
    broken === 'foreign-nonce'
      ? { issue: () => shared.issue(), verify: (value) => shared.verify(value) }
      : recording
  const nonceSource = broken === 'nonce' ? brokenNonceSource(realSource) : realSource
  const resourceSource = nonceSource
  const staleFor = (role: 'authorization-server' | 'resource'): string => {
    const nonce = [...staleNonces].find(([server]) => server.startsWith(`${role} `))?.[1]
    if (nonce === undefined || nonce === '') throw new Error(`the ${role} has issued no nonce yet`)
    return nonce
  }
  const replayStore = () => (broken === 'replay' ? brokenReplayStore : createMemoryReplayStore())
  // 'grant-revocation': a reused refresh token revokes its refresh tokens, never the grant's access tokens.
  const storage = createMemoryStorage()
  if (broken === 'grant-revocation') storage.isGrantRevoked = async () => false

  const as = await listen(async () => {})
  const resource = await listen(async () => {})
  const issuer = as.base
  const redirectUri = 'http://127.0.0.1/callback'
  const authorizationServer = createAuthorizationServer({
    issuer,
    clients: [
      {
        clientId: 'service',
        clientSecret: 'service-secret-0123456789',
        grantTypes: ['client_credentials'],
        // 'bearer-allowed': Bearer tokens for requests without a proof (a warning, not a failure).
        tokenBinding: broken === 'bearer-allowed' ? 'allowed' : 'dpop',
        allowedOrigins: [ORIGIN],
      },
      { clientId: 'spa', redirectUris: [redirectUri], tokenBinding: 'allowed' },
    ],
    dpop: { algorithms: ALGORITHMS, nonce: nonceMode, nonceSource },
    replayStore: replayStore(),
    storage,
    interaction: () => ({ subject: 'alice' }),
  })

  as.setHandler(async (req, res, path) => {
    let body = ''
    for await (const chunk of req) body += chunk
    let request = neutral(req, `${issuer}${path}`)
    const url = new URL(request.url)
    // dpop_jkt / PAR binding broken: the server never sees the key the code should be bound to.
    if (broken === 'dpop_jkt' && url.pathname === '/authorize') {
      url.searchParams.delete('dpop_jkt')
      request = neutral(req, url.href)
    }
    if (broken === 'dpop_jkt' && url.pathname === '/par') {
      const inner = request
      request = {
        ...inner,
        header: (name) => (name.toLowerCase() === 'dpop' ? undefined : inner.header(name)),
      }
    }
    const response = await authorizationServer.handle({ ...request, header: request.header, body })
    if (response === undefined) return void res.writeHead(404).end()
    res.writeHead(response.status, response.headers).end(response.body)
  })

  const jwks = await authorizationServer.jwks()
  const nonce = nonceMode === 'always' ? { source: resourceSource } : undefined
  const guardOptions = {
    jwks,
    issuer,
    audience: issuer,
    algorithms: ALGORITHMS,
    replayStore: replayStore(),
    ...(nonce === undefined ? {} : { nonce }),
  }
  const guard = createResourceGuard(guardOptions)
  const keySet = createLocalJWKSet(jwks)
  // Downgrade broken: Bearer requests go to a guard that allows Bearer and never sees cnf.
  const bearerGuard: ResourceGuard = createResourceGuard({
    issuer,
    audience: issuer,
    allowBearer: true,
    verifyAccessToken: async (token) => {
      const { payload } = await jwtVerify(token, keySet, { issuer, audience: issuer })
      const { cnf: _cnf, ...claims } = payload
      return claims
    },
  })
  const ownReplayStore = replayStore()
  // ath broken: proofs are checked with the token's key but without the access token.
  const withoutAth = async (request: DPoPHttpRequest) => {
    const credentials = parseAuthorization(request.header('authorization'))
    if (credentials?.scheme !== 'dpop') throw invalidToken()
    let claims: Record<string, unknown>
    try {
      claims = (await jwtVerify(credentials.token, keySet, { issuer, audience: issuer })).payload
    } catch {
      throw invalidToken()
    }
    const jkt = (claims['cnf'] as { jkt?: unknown } | undefined)?.jkt
    if (typeof jkt !== 'string') throw invalidToken()
    await verifyProof(request.header('dpop'), request, {
      expectedThumbprint: jkt,
      context: 'resource',
      challenge: { algs: ALGORITHMS },
      algorithms: ALGORITHMS,
      replayStore: ownReplayStore,
      ...(nonce === undefined ? {} : { nonce }),
    })
    return { responseHeaders: {} as Record<string, string>, claims }
  }

  resource.setHandler(async (req, res, path) => {
    // proxy: the resource sees the internal URL a TLS-terminating proxy forwards to, without publicUrl.
    const seen = broken === 'proxy' ? 'http://internal.invalid:8080' : resource.base
    // The body as a framework's form parser leaves it (the guard refuses a token in it, RFC 6750 §2.2).
    let text = ''
    for await (const chunk of req) text += chunk
    const body = text === '' ? undefined : text
    let request = neutral(req, `${seen}${path}`, body)
    const cors = resourceCorsHeaders(req.headers.origin, [ORIGIN])
    // htu broken: the resource trusts the URL the client put in its proof.
    const proof = request.header('dpop')
    if (broken === 'htu' && typeof proof === 'string') {
      try {
        const htu = decodeJwt(proof)['htu']
        if (typeof htu === 'string') request = neutral(req, htu, body)
      } catch {}
    }
    try {
      const scheme = parseAuthorization(request.header('authorization'))?.scheme
      const { responseHeaders, claims } =
        broken === 'ath'
          ? await withoutAth(request)
          : broken === 'downgrade' && scheme === 'bearer'
            ? await bearerGuard.authenticate(request)
            : await guard.authenticate(request)
      // /api/me serves users only: the client's own token (sub = client id) is refused.
      if (new URL(request.url).pathname === '/api/me' && claims?.['sub'] !== 'alice') throw invalidToken()
      res
        .writeHead(200, { ...cors, ...responseHeaders, 'content-type': 'application/json' })
        .end('{"ok":true}')
    } catch (error) {
      if (!isDPoPError(error)) throw error
      const { status, headers, body } = errorToResponse(error)
      res.writeHead(status, { ...cors, ...headers }).end(body)
    }
  })

  const authorize = async (authorizationUrl: string) => {
    const response = await fetch(authorizationUrl, { redirect: 'manual' })
    const location = response.headers.get('location')
    if (location === null) throw new Error(`authorization answered ${response.status}`)
    return new URL(location, authorizationUrl).href
  }

  const target: ConformanceTarget = {
    issuer,
    client: { clientId: 'service', clientSecret: 'service-secret-0123456789' },
    resources: [
      {
        url: `${resource.base}/api/data`,
        get staleNonce() {
          return staleFor('resource')
        },
      },
      {
        url: `${resource.base}/api/me`,
        tokens: 'user',
        get staleNonce() {
          return staleFor('resource')
        },
      },
    ],
    get staleNonce() {
      return staleFor('authorization-server')
    },
    origin: ORIGIN,
    authorization: { client: { clientId: 'spa' }, redirectUri, authorize },
    async userTokens(keyPair) {
      const dpopKeyPair = keyPair ?? (await generateKeyPair('ES256'))
      const client = createOAuthClient(await createDPoPHandle({ keyPair: dpopKeyPair }), {
        issuer,
        clientId: 'spa',
        redirectUri,
      })
      const request = await client.buildAuthorizationUrl()
      const callback = await authorize(request.url.href)
      const tokens = await client.exchangeAuthorizationCode(callback, request)
      return {
        accessToken: tokens.accessToken,
        ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
        dpopKeyPair,
        client: { clientId: 'spa' },
      }
    },
  }
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return { target, close: async () => void (await Promise.all([close(as.server), close(resource.server)])) }
}
