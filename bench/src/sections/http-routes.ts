import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RequestHandler } from 'express'
import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify'
import type Koa from 'koa'
import { accessTokenHash, type BenchKey, buildProof, generateBenchKey } from '../fixtures.js'
import { type LoadVariant, loadRow, measureLoad } from '../load.js'
import { type SectionResult, skippedRow } from '../report.js'
import type { BenchSettings } from '../settings.js'
import { type AccessTokens, AUDIENCE, ISSUER, issueAccessTokens } from '../tokens.js'

/** Where clients address the resource server: the guard's `publicUrl`, so proofs do not depend on the port. */
const PUBLIC_URL = AUDIENCE
const ROUTES = { bearer: '/bearer', dpop: '/dpop', dpopNoTokenCache: '/dpop-no-token-cache' } as const
const BODY = JSON.stringify({ ok: true })

interface RunningServer {
  url: string
  close: () => Promise<void>
}

/** The guard options every adapter receives (ResourceGuardOptions + publicUrl). */
function guardOptions(tokens: AccessTokens, tokenCache: boolean): Record<string, unknown> {
  return {
    jwks: tokens.jwks,
    issuer: ISSUER,
    audience: AUDIENCE,
    publicUrl: PUBLIC_URL,
    ...(tokenCache ? {} : { tokenCache: false }),
  }
}

async function listen(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

// Adapters are imported by name at run time: the section reports "not available" instead of failing the
// whole bench when one is missing or broken.
async function load<T>(specifier: string): Promise<T> {
  return (await import(specifier)) as T
}

type Handler = (...args: never[]) => unknown

async function startExpress(tokens: AccessTokens): Promise<RunningServer> {
  const { dpop } = await load<{ dpop: (options: Record<string, unknown>) => Handler }>('@dpop/express')
  const { default: express } = await import('express')
  const app = express()
  app.disable('x-powered-by')
  app.get(ROUTES.bearer, async (req, res) => {
    if (!(await tokens.verifyBearer(req.get('authorization')))) {
      res.status(401).set('www-authenticate', 'Bearer error="invalid_token"').end()
      return
    }
    res.type('json').send(BODY)
  })
  const send: RequestHandler = (_req, res) => {
    res.type('json').send(BODY)
  }
  app.get(ROUTES.dpop, dpop(guardOptions(tokens, true)) as never, send)
  app.get(ROUTES.dpopNoTokenCache, dpop(guardOptions(tokens, false)) as never, send)
  return listen(createServer(app))
}

type KoaMiddleware = (ctx: Koa.Context, next: () => Promise<unknown>) => Promise<unknown>

async function startKoa(tokens: AccessTokens): Promise<RunningServer> {
  const { dpop } = await load<{ dpop: (options: Record<string, unknown>) => KoaMiddleware }>('@dpop/koa')
  const { default: Koa } = await import('koa')
  const app = new Koa()
  const guarded = dpop(guardOptions(tokens, true))
  const guardedNoTokenCache = dpop(guardOptions(tokens, false))
  const send = async (ctx: Koa.Context) => {
    ctx.type = 'json'
    ctx.body = BODY
  }
  app.use(async (ctx) => {
    if (ctx.method !== 'GET') return
    if (ctx.path === ROUTES.bearer) {
      if (!(await tokens.verifyBearer(ctx.get('authorization') || undefined))) {
        ctx.status = 401
        ctx.set('www-authenticate', 'Bearer error="invalid_token"')
        return
      }
      await send(ctx)
    } else if (ctx.path === ROUTES.dpop) {
      await guarded(ctx, () => send(ctx))
    } else if (ctx.path === ROUTES.dpopNoTokenCache) {
      await guardedNoTokenCache(ctx, () => send(ctx))
    }
  })
  return listen(createServer(app.callback()))
}

interface FastifyAdapter {
  dpop: FastifyPluginAsync<Record<string, unknown>>
}

async function startFastify(tokens: AccessTokens): Promise<RunningServer> {
  const { dpop } = await load<FastifyAdapter>('@dpop/fastify')
  const { default: fastify } = await import('fastify')
  const app = fastify()
  app.get(ROUTES.bearer, async (request, reply) => {
    if (!(await tokens.verifyBearer(request.headers.authorization))) {
      return reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send()
    }
    return reply.type('application/json').send(BODY)
  })
  // One guard per encapsulated scope: the plugin decorates its scope with `dpop`.
  for (const [path, tokenCache] of [
    [ROUTES.dpop, true],
    [ROUTES.dpopNoTokenCache, false],
  ] as const) {
    await app.register(async (scope) => {
      await scope.register(dpop, guardOptions(tokens, tokenCache))
      const decorated = scope as unknown as { dpop: { preHandler: () => preHandlerAsyncHookHandler } }
      scope.get(path, { preHandler: decorated.dpop.preHandler() }, async (_request, reply) =>
        reply.type('application/json').send(BODY),
      )
    })
  }
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() }
}

const FRAMEWORKS: {
  name: string
  adapter: string
  start: (tokens: AccessTokens) => Promise<RunningServer>
}[] = [
  { name: 'Express', adapter: '@dpop/express', start: startExpress },
  { name: 'Koa', adapter: '@dpop/koa', start: startKoa },
  { name: 'Fastify', adapter: '@dpop/fastify', start: startFastify },
]

/** Before measuring: each route answers 200, and a replayed proof is refused (the guard really checks). */
async function checkRoutes(server: RunningServer, tokens: AccessTokens, key: BenchKey): Promise<void> {
  const bearer = await fetch(server.url + ROUTES.bearer, {
    headers: { authorization: `Bearer ${tokens.bearer}` },
  })
  if (bearer.status !== 200) throw new Error(`Bearer route answered ${bearer.status}`)
  for (const path of [ROUTES.dpop, ROUTES.dpopNoTokenCache]) {
    const { proof } = buildProof(key, {
      htm: 'GET',
      htu: PUBLIC_URL + path,
      ath: accessTokenHash(tokens.bound),
    })
    const headers = { authorization: `DPoP ${tokens.bound}`, dpop: proof }
    const first = await fetch(server.url + path, { headers })
    const replayed = await fetch(server.url + path, { headers })
    if (first.status !== 200 || replayed.status !== 401) {
      throw new Error(
        `${path} answered ${first.status} then ${replayed.status} to a replay (expected 200, 401)`,
      )
    }
  }
}

/** Section 5: a GET route behind the DPoP guard vs the same route behind plain Bearer JWT validation. */
export async function runHttpRoutes(settings: BenchSettings): Promise<SectionResult[]> {
  const section: SectionResult = {
    id: 'http-routes',
    title: '5. Resource routes over loopback (autocannon): DPoP guard vs Bearer JWT (jose, local JWKS)',
    rows: [],
  }
  const clientKey = generateBenchKey('ES256')
  const privateJwk = clientKey.privateKey.export({ format: 'jwk' }) as Record<string, string>
  const tokens = await issueAccessTokens(clientKey)
  for (const framework of FRAMEWORKS) {
    let server: RunningServer
    try {
      server = await framework.start(tokens)
    } catch (error) {
      section.rows.push(
        skippedRow(
          `${framework.name}`,
          `${framework.adapter} failed to load (${(error as Error).message.split('\n')[0]})`,
          'req/s',
        ),
      )
      continue
    }
    try {
      await checkRoutes(server, tokens, clientKey)
      const names = {
        bearer: `${framework.name} GET, Bearer JWT (jose jwtVerify)`,
        dpop: `${framework.name} GET, ${framework.adapter} guard`,
        dpopNoTokenCache: `${framework.name} GET, ${framework.adapter} guard, tokenCache: false`,
      }
      const dpopVariant = (name: string, path: string): LoadVariant => ({
        name,
        job: (amount) => ({
          url: server.url,
          method: 'GET',
          path,
          headers: { authorization: `DPoP ${tokens.bound}` },
          amount,
          connections: settings.connections,
          dpop: { privateJwk, alg: 'ES256', htu: PUBLIC_URL + path, ath: accessTokenHash(tokens.bound) },
        }),
      })
      console.error(`[http-routes] ${framework.name}`)
      const results = await measureLoad(
        [
          {
            name: names.bearer,
            job: (amount) => ({
              url: server.url,
              method: 'GET',
              path: ROUTES.bearer,
              headers: { authorization: `Bearer ${tokens.bearer}` },
              amount,
              connections: settings.connections,
            }),
          },
          dpopVariant(names.dpop, ROUTES.dpop),
          dpopVariant(names.dpopNoTokenCache, ROUTES.dpopNoTokenCache),
        ],
        settings,
      )
      const get = (name: string) => results.get(name)!
      section.rows.push(
        loadRow(get(names.bearer)),
        loadRow(
          get(names.dpop),
          get(names.bearer),
          0.8,
          'default guard: verified token claims cached by token hash',
        ),
        // Not the issue's configuration (the guard verifies each token once): shown for what a token cache
        // saves. Here each request costs two ES256 verifications (token and proof) against Bearer's one.
        loadRow(
          get(names.dpopNoTokenCache),
          get(names.bearer),
          undefined,
          'informational, no bar: verifies the JWT on every request as well as the proof (two signatures vs one)',
        ),
      )
    } catch (error) {
      section.rows.push(
        skippedRow(
          framework.name,
          `${framework.adapter}: ${(error as Error).message.split('\n')[0]}`,
          'req/s',
        ),
      )
    } finally {
      await server.close()
    }
  }
  return [section]
}
