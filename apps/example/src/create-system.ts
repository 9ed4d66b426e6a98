import { createMemoryReplayStore, type ReplayStore } from '@dpop/core'
import { createRedisClient, createRedisReplayStore, createRedisStorage } from '@dpop/redis'
import type { Storage } from '@dpop/server'
import type { Redis } from 'ioredis'
import { createDemoAuthorizationServer } from './authorization-server.js'
import { API_SCOPE, DEMO_SPA } from './demo-clients.js'
import type { NonceMode } from './environment.js'
import { type LoopbackListener, listenOnLoopback } from './loopback-listener.js'
import { createMetricsEndpoint } from './metrics-endpoint.js'
import { createResourceServer, RESOURCE_PATH, type ResourceFramework } from './resource-servers.js'
import { createSpaServer } from './spa-server.js'
import { UserError } from './user-error.js'

export interface SystemPorts {
  authorizationServer: number
  express: number
  koa: number
  fastify: number
  spa: number
}

/** The ports of the README; 0 lets the system choose (tests). */
export const DEFAULT_PORTS: Readonly<SystemPorts> = Object.freeze({
  authorizationServer: 4000,
  express: 4001,
  koa: 4002,
  fastify: 4003,
  spa: 4004,
})

/** The environment variable that sets each port (`pnpm start`, `pnpm demo`). */
export const PORT_VARIABLES: Readonly<Record<keyof SystemPorts, string>> = Object.freeze({
  authorizationServer: 'AS_PORT',
  express: 'EXPRESS_PORT',
  koa: 'KOA_PORT',
  fastify: 'FASTIFY_PORT',
  spa: 'SPA_PORT',
})

const PORT_OWNERS: Readonly<Record<keyof SystemPorts, string>> = {
  authorizationServer: 'the authorization server',
  express: 'the Express API',
  koa: 'the Koa API',
  fastify: 'the Fastify API',
  spa: 'the single-page app',
}

/** Why `port` could not be bound, in words that name the variable to change. */
function portError(name: keyof SystemPorts, port: number, cause: unknown): UserError {
  const variable = PORT_VARIABLES[name]
  const code = (cause as { code?: unknown } | undefined)?.code
  const problem =
    code === 'EADDRINUSE'
      ? 'is in use'
      : code === 'EACCES'
        ? 'needs root privileges'
        : `cannot be opened (${String(code ?? 'error')})`
  const choice = code === 'EACCES' ? 'a port from 1024 up' : 'another'
  return new UserError(
    `${variable}=${port} ${problem} (${PORT_OWNERS[name]}): choose ${choice} with ${variable}=<port>, or 0 for any free port`,
    { cause },
  )
}

export interface CreateSystemOptions {
  /** Ports on 127.0.0.1 (and [::1] when available); 0 picks a free one. @default DEFAULT_PORTS */
  ports?: Partial<SystemPorts>
  /** Keep the authorization server's state and every replay reservation in Redis. @default in memory */
  redisUrl?: string
  /**
   * Access token lifetime in seconds; the single-page app renews a fifth of it (at most a minute) before
   * expiry. @default 300
   */
  accessTokenLifetime?: number
  /**
   * `'always'`: the authorization server and the three resource servers require DPoP nonces (RFC 9449 §8,
   * §9), each its own. The single-page app's client needs one at the token endpoint either way.
   * @default 'off'
   */
  nonce?: NonceMode
}

export interface SystemUrls {
  /** The issuer, `http://localhost:<port>`. */
  issuer: string
  /** RFC 8414 metadata. */
  metadata: string
  /** The page `demo-web` is sent back to, showing the code. */
  webCallback: string
  /** The single-page app. */
  spa: string
  /** `GET /api/me` of each resource server. */
  resources: Readonly<Record<ResourceFramework, string>>
}

export interface DemoSystem {
  urls: SystemUrls
  /** `memory` or `redis`. */
  state: 'memory' | 'redis'
  /** Whether every server requires nonces. */
  nonce: NonceMode
  close(): Promise<void>
}

/** The fail-fast client queues nothing while it connects: wait for it, or say why it cannot connect. */
async function waitUntilReady(redis: Redis, url: string): Promise<void> {
  if (redis.status === 'ready') return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('timed out')), 5000)
    const fail = (cause: unknown) => {
      cleanup()
      const reason = cause instanceof Error && cause.message !== 'timed out' ? ` (${cause.message})` : ''
      reject(
        new UserError(
          `REDIS_URL: cannot connect to Redis at ${new URL(url).host}${reason}: start redis-server there, or unset REDIS_URL to keep the state in memory`,
          { cause },
        ),
      )
    }
    const ready = () => {
      cleanup()
      resolve()
    }
    const cleanup = () => {
      clearTimeout(timer)
      redis.off('ready', ready)
      redis.off('error', fail)
    }
    redis.once('ready', ready)
    redis.once('error', fail)
  })
}

const FRAMEWORKS: readonly ResourceFramework[] = ['express', 'koa', 'fastify']

async function bindAll(ports: SystemPorts): Promise<Record<keyof SystemPorts, LoopbackListener>> {
  const bound: Partial<Record<keyof SystemPorts, LoopbackListener>> = {}
  try {
    for (const [name, port] of Object.entries(ports) as [keyof SystemPorts, number][]) {
      try {
        bound[name] = await listenOnLoopback(port)
      } catch (cause) {
        throw portError(name, port, cause)
      }
    }
  } catch (error) {
    await Promise.all(Object.values(bound).map((listener) => listener.close()))
    throw error
  }
  return bound as Record<keyof SystemPorts, LoopbackListener>
}

/**
 * Starts the whole example on loopback: the authorization server (Fastify), the Express, Koa and Fastify
 * resource servers and the single-page app, with state in memory or in Redis. Every URL uses the port
 * actually bound, so ports of 0 work (the issuer then names the chosen port).
 */
export async function createSystem(options: CreateSystemOptions = {}): Promise<DemoSystem> {
  const ports = { ...DEFAULT_PORTS, ...options.ports }
  const listeners = await bindAll(ports)
  const closers: Array<() => Promise<unknown>> = Object.values(listeners).map(
    (listener) => () => listener.close(),
  )
  const close = async () => {
    // Sockets first, so nothing new reaches the applications and Redis while they shut down.
    for (const closer of closers.splice(0)) await closer().catch(() => undefined)
  }
  try {
    const issuer = `http://localhost:${listeners.authorizationServer.port}`
    const spaOrigin = `http://localhost:${listeners.spa.port}`
    let storage: Storage | undefined
    let replayStore: ReplayStore = createMemoryReplayStore()
    if (options.redisUrl !== undefined) {
      const redis = createRedisClient(options.redisUrl)
      closers.push(() => redis.quit())
      await waitUntilReady(redis, options.redisUrl)
      // Requests fail closed (503) while Redis is away; say so once per outage, not on every reconnect.
      let warned = false
      redis.on('error', (error: Error) => {
        if (!warned)
          console.warn(`Redis unavailable (${error.message}); requests answer 503 until it is back`)
        warned = true
      })
      redis.on('ready', () => {
        warned = false
      })
      storage = createRedisStorage(redis, { prefix: 'dpop-example:' })
      replayStore = createRedisReplayStore(redis, { prefix: 'dpop-example:' })
    }

    const accessTokenLifetime = options.accessTokenLifetime ?? 300
    const nonce = options.nonce ?? 'off'
    const authorizationMetrics = createMetricsEndpoint()
    closers.push(() => authorizationMetrics.close())
    const authorization = await createDemoAuthorizationServer({
      issuer,
      spaOrigin,
      replayStore,
      accessTokenLifetime,
      nonce,
      onEvent: authorizationMetrics.onEvent,
      ...(storage === undefined ? {} : { storage }),
    })
    closers.push(() => authorization.app.close())
    listeners.authorizationServer.setListener(
      authorizationMetrics.serve((request, response) =>
        authorization.app.server.emit('request', request, response),
      ),
    )
    const jwksUri = String(authorization.server.metadata()['jwks_uri'])

    const resources = {} as Record<ResourceFramework, string>
    for (const framework of FRAMEWORKS) {
      const origin = `http://localhost:${listeners[framework].port}`
      const metrics = createMetricsEndpoint()
      closers.push(() => metrics.close())
      const server = await createResourceServer(framework, {
        issuer,
        jwksUri,
        origin,
        spaOrigin,
        replayStore,
        nonce,
        onEvent: metrics.onEvent,
      })
      closers.push(server.close)
      listeners[framework].setListener(metrics.serve(server.listener))
      resources[framework] = `${origin}${RESOURCE_PATH}`
    }

    listeners.spa.setListener(
      await createSpaServer({
        issuer,
        clientId: DEMO_SPA.clientId,
        redirectUri: `${spaOrigin}/callback`,
        scope: `${API_SCOPE} profile`,
        refreshSkew: Math.min(60, accessTokenLifetime / 5),
        resources: FRAMEWORKS.map((name) => ({ name, url: resources[name] })),
      }),
    )

    return {
      urls: {
        issuer,
        metadata: `${issuer}/.well-known/oauth-authorization-server`,
        webCallback: `${issuer}/cb`,
        spa: `${spaOrigin}/`,
        resources,
      },
      state: options.redisUrl === undefined ? 'memory' : 'redis',
      nonce,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
