import type { ReplayStore } from '@dpop/core'
import { authorizationServer as authorizationServerPlugin } from '@dpop/fastify'
import {
  type AuthorizationServer,
  createAuthorizationServer,
  createMemoryStorage,
  type DPoPEventHandler,
  type Storage,
} from '@dpop/server'
import Fastify, { type FastifyInstance } from 'fastify'
import { API_SCOPE, demoClients } from './demo-clients.js'
import { escapeHtml, FAVICON, htmlPage } from './html.js'
import { createLoginInteraction } from './login-pages.js'

/** The demo user of the login page. */
export const DEMO_USER = { username: 'alice', password: 'alice-password', subject: 'alice' } as const

export interface DemoAuthorizationServerOptions {
  /** `http://localhost:<port>`: the issuer, on the port actually bound. */
  issuer: string
  /** Origin of the single-page app, for the `demo-spa` client's redirect URI and CORS. */
  spaOrigin: string
  /** @default in-memory storage */
  storage?: Storage
  /** @default an in-memory replay store */
  replayStore?: ReplayStore
  /** Seconds. @default 300, short enough that the single-page app shows its automatic refresh */
  accessTokenLifetime?: number
  /** Require a server nonce from every client (RFC 9449 §8). @default 'off' (the single-page app's client always) */
  nonce?: 'off' | 'always'
  /** Receives the server's events (its metrics). @default none */
  onEvent?: DPoPEventHandler
}

export interface DemoAuthorizationServer {
  server: AuthorizationServer
  /** The Fastify application serving it (ready, not listening: the caller owns the socket). */
  app: FastifyInstance
}

function callbackPage(query: Record<string, unknown>) {
  const rows = ['code', 'state', 'iss', 'error', 'error_description']
    .filter((name) => query[name] !== undefined)
    .map(
      (name) =>
        `<tr><th>${name}</th><td><code id="${name}">${escapeHtml(String(query[name]))}</code></td></tr>`,
    )
    .join('')
  const next =
    query['code'] === undefined
      ? ''
      : `<p>Redeem the code within a minute at the token endpoint as <code>demo-web</code>
      (<code>client_secret_post</code>), with the PKCE verifier and a DPoP proof of your key.</p>`
  return htmlPage(
    200,
    'Authorization response',
    `<h1>Authorization response</h1><table>${rows}</table>${next}`,
  )
}

function indexPage(server: AuthorizationServer) {
  const metadata = server.metadata()
  const rows = Object.entries(metadata)
    .filter(([name, value]) => name.endsWith('_endpoint') || name === 'jwks_uri' || value === server.issuer)
    .map(
      ([name, value]) =>
        `<tr><th>${escapeHtml(name)}</th><td><code>${escapeHtml(String(value))}</code></td></tr>`,
    )
    .join('')
  return htmlPage(
    200,
    'DPoP example authorization server',
    `<h1>DPoP example authorization server</h1><table>${rows}</table>
    <p>Metadata: <a href="/.well-known/oauth-authorization-server">/.well-known/oauth-authorization-server</a></p>`,
  )
}

/**
 * The example's authorization server: @dpop/server with the three demo clients and the login/consent
 * pages, mounted on Fastify with @dpop/fastify, plus a `/cb` page showing what `demo-web` receives.
 */
export async function createDemoAuthorizationServer(
  options: DemoAuthorizationServerOptions,
): Promise<DemoAuthorizationServer> {
  const urls = { issuer: options.issuer, spaOrigin: options.spaOrigin }
  const storage = options.storage ?? createMemoryStorage()
  const server = createAuthorizationServer({
    issuer: options.issuer,
    clients: demoClients(urls),
    storage,
    scopesSupported: [API_SCOPE, 'profile'],
    accessTokenLifetime: options.accessTokenLifetime ?? 300,
    interaction: createLoginInteraction({ users: [DEMO_USER] }),
    // Dynamic client registration (RFC 7591), so every endpoint of the server can be tried.
    registration: { enabled: true },
    dpop: { nonce: options.nonce ?? 'off' },
    ...(options.replayStore === undefined ? {} : { replayStore: options.replayStore }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  })
  const app = Fastify({ logger: false })
  await app.register(authorizationServerPlugin, { server })
  app.get('/cb', async (request, reply) => {
    const page = callbackPage(request.query as Record<string, unknown>)
    return reply.code(page.status).headers(page.headers).send(page.body)
  })
  app.get('/favicon.svg', async (_request, reply) =>
    reply.header('Content-Type', 'image/svg+xml').header('Cache-Control', 'max-age=86400').send(FAVICON),
  )
  app.get('/', async (_request, reply) => {
    const page = indexPage(server)
    return reply.code(page.status).headers(page.headers).send(page.body)
  })
  await app.ready()
  return { server, app }
}
