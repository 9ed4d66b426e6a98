import { generateKeyPairSync } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AuthorizationServer, AuthorizationServerConfig } from '@dpop/server'
import type { FastifyPluginAsync } from 'fastify'
import { type BenchKey, buildProof, generateBenchKey } from '../fixtures.js'
import { type LoadVariant, loadRow, measureLoad, type VariantResult } from '../load.js'
import type { LoadJob } from '../load-child.js'
import { type SectionResult, skippedRow } from '../report.js'
import type { BenchSettings } from '../settings.js'

const CLIENT_ID = 'bench-client'
const CLIENT_SECRET = 'bench-secret-0123456789abcdef0123456789abcdef'
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`
const OUR_ISSUER = 'https://as.example.com'

export interface RunningServer {
  url: string
  /** The `htu` of the token endpoint, as the server expects it. */
  tokenUrl: string
  close: () => Promise<void>
}

/**
 * Our authorization server (@dpop/server) mounted with the @dpop/fastify plugin; `config` adds to its
 * configuration (a Redis storage and replay store).
 */
export async function startOurs(
  config: Pick<AuthorizationServerConfig, 'storage' | 'replayStore'> = {},
): Promise<RunningServer> {
  const specifier = '@dpop/fastify'
  const { authorizationServer } = (await import(specifier)) as {
    authorizationServer: FastifyPluginAsync<{ server: AuthorizationServer }>
  }
  const { createAuthorizationServer } = await import('@dpop/server')
  const { default: fastify } = await import('fastify')
  const server = createAuthorizationServer({
    issuer: OUR_ISSUER,
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenEndpointAuthMethod: 'client_secret_basic',
        grantTypes: ['client_credentials'],
        tokenBinding: 'allowed',
      },
    ],
    ...config,
  })
  const app = fastify()
  await app.register(authorizationServer, { server })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, tokenUrl: `${OUR_ISSUER}/token`, close: () => app.close() }
}

/** oidc-provider with the same client: confidential, client_secret_basic, client credentials and DPoP. */
async function startOidcProvider(): Promise<RunningServer> {
  const { default: Provider } = await import('oidc-provider')
  let callback: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end()
  const http = createServer((req, res) => callback(req, res))
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  // oidc-provider derives endpoint URLs (and so the expected htu) from its issuer: the real address.
  const issuer = `http://127.0.0.1:${port}`
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
    ],
    features: {
      clientCredentials: { enabled: true },
      dPoP: { enabled: true },
      devInteractions: { enabled: false },
    },
    jwks: { keys: [{ ...signingKey, kid: 'rs-1', use: 'sig', alg: 'RS256' } as never] },
    cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
  })
  callback = provider.callback()
  return {
    url: issuer,
    tokenUrl: `${issuer}/token`,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections()
        http.close(() => resolve())
      }),
  }
}

export function tokenJob(
  server: RunningServer,
  amount: number,
  connections: number,
  dpopKey: Record<string, string> | undefined,
): LoadJob {
  return {
    url: server.url,
    method: 'POST',
    path: new URL(server.tokenUrl).pathname,
    headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
    amount,
    connections,
    ...(dpopKey === undefined ? {} : { dpop: { privateJwk: dpopKey, alg: 'ES256', htu: server.tokenUrl } }),
  }
}

/** One request of each kind before measuring: DPoP must give a DPoP-bound token, no DPoP a Bearer one. */
export async function checkTokenTypes(server: RunningServer, key: BenchKey): Promise<void> {
  for (const withProof of [true, false]) {
    const response = await fetch(server.url + new URL(server.tokenUrl).pathname, {
      method: 'POST',
      headers: {
        authorization: BASIC,
        'content-type': 'application/x-www-form-urlencoded',
        ...(withProof ? { dpop: buildProof(key, { htm: 'POST', htu: server.tokenUrl }).proof } : {}),
      },
      body: 'grant_type=client_credentials',
    })
    const body = (await response.json()) as { token_type?: string }
    const expected = withProof ? 'dpop' : 'bearer'
    if (response.status !== 200 || body.token_type?.toLowerCase() !== expected) {
      throw new Error(
        `token endpoint answered ${response.status} ${JSON.stringify(body)}, expected ${expected}`,
      )
    }
  }
}

/** Section 6: client credentials with DPoP: our server on Fastify vs oidc-provider, same client setup. */
export async function runTokenEndpoint(settings: BenchSettings): Promise<SectionResult[]> {
  const section: SectionResult = {
    id: 'token-endpoint',
    title: '6. Token endpoint: client credentials with DPoP (loopback, autocannon)',
    rows: [],
  }
  const clientKey = generateBenchKey('ES256')
  const privateJwk = clientKey.privateKey.export({ format: 'jwk' }) as Record<string, string>
  const names = {
    ours: 'createAuthorizationServer on @dpop/fastify, DPoP',
    oursPlain: 'createAuthorizationServer on @dpop/fastify, no DPoP',
    oidc: 'oidc-provider, DPoP',
    oidcPlain: 'oidc-provider, no DPoP',
  }
  const servers: { ours?: RunningServer; oidc?: RunningServer } = {}
  const reasons: { ours?: string; oidc?: string } = {}
  const firstLine = (error: unknown) => String((error as Error).message ?? error).split('\n')[0]
  try {
    servers.ours = await startOurs()
    await checkTokenTypes(servers.ours, clientKey)
  } catch (error) {
    reasons.ours = `@dpop/fastify or @dpop/server failed to load (${firstLine(error)})`
  }
  try {
    servers.oidc = await startOidcProvider()
    await checkTokenTypes(servers.oidc, clientKey)
  } catch (error) {
    reasons.oidc = `oidc-provider failed to start (${firstLine(error)})`
  }
  try {
    const variants: LoadVariant[] = []
    const { ours, oidc } = servers
    if (ours !== undefined) {
      variants.push(
        { name: names.ours, job: (amount) => tokenJob(ours, amount, settings.connections, privateJwk) },
        { name: names.oursPlain, job: (amount) => tokenJob(ours, amount, settings.connections, undefined) },
      )
    }
    if (oidc !== undefined) {
      variants.push(
        { name: names.oidc, job: (amount) => tokenJob(oidc, amount, settings.connections, privateJwk) },
        { name: names.oidcPlain, job: (amount) => tokenJob(oidc, amount, settings.connections, undefined) },
      )
    }
    console.error(`[token-endpoint] ${variants.length} variants`)
    const results =
      variants.length > 0 ? await measureLoad(variants, settings) : new Map<string, VariantResult>()
    const get = (name: string) => results.get(name)
    const oursResult = get(names.ours)
    const oursPlain = get(names.oursPlain)
    const oidcResult = get(names.oidc)
    const oidcPlain = get(names.oidcPlain)
    if (oursResult !== undefined && oidcResult !== undefined) {
      section.rows.push(loadRow(oursResult, oidcResult, 2, 'JWT access token (RFC 9068, ES256), cnf.jkt'))
    } else if (oursResult !== undefined) {
      section.rows.push(loadRow(oursResult), skippedRow(names.oidc, reasons.oidc ?? 'unknown', 'req/s'))
    } else {
      section.rows.push(skippedRow(names.ours, reasons.ours ?? 'unknown', 'req/s'))
    }
    if (oursResult !== undefined && oursPlain !== undefined) {
      section.rows.push(
        loadRow(oursPlain),
        loadRow(oursResult, oursPlain, undefined, 'cost of DPoP at the token endpoint'),
      )
    }
    if (oidcResult !== undefined) {
      section.rows.push(
        loadRow(oidcResult, undefined, undefined, 'opaque access token (its default), cnf.jkt'),
      )
    }
    if (oidcPlain !== undefined) {
      section.rows.push(loadRow(oidcPlain, oursPlain, undefined, 'reference, vs. ours without DPoP'))
    }
  } finally {
    await servers.ours?.close()
    await servers.oidc?.close()
  }
  return [section]
}
