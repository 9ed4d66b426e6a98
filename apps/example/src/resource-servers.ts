import type { ReplayStore } from '@dpop/core'
import * as dpopExpress from '@dpop/express'
import * as dpopFastify from '@dpop/fastify'
import * as dpopKoa from '@dpop/koa'
import type { DPoPEventHandler, ResourceAuthentication, ResourceGuardOptions } from '@dpop/server'
import express from 'express'
import Fastify, { type FastifyInstance } from 'fastify'
import Koa from 'koa'
import { API_SCOPE } from './demo-clients.js'
import type { RequestListener } from './loopback-listener.js'

/** The protected resource every server exposes. */
export const RESOURCE_PATH = '/api/me'

export type ResourceFramework = 'express' | 'koa' | 'fastify'

export interface ResourceServerOptions {
  /** Issuer of the authorization server whose tokens are accepted. */
  issuer: string
  /** Its JWKS, fetched when first needed and again on an unknown `kid`. */
  jwksUri: string
  /** `http://localhost:<port>` of this resource server: its RFC 9728 resource identifier. */
  origin: string
  /** The single-page app's origin, allowed through CORS. */
  spaOrigin: string
  /** @default a new in-memory store per server */
  replayStore?: ReplayStore
  /** Require this server's own nonce (RFC 9449 §9). @default 'off' */
  nonce?: 'off' | 'always'
  /** Receives the guard's events (its metrics). @default none */
  onEvent?: DPoPEventHandler
}

export interface ResourceServer {
  listener: RequestListener
  close(): Promise<void>
}

/** The JSON answer of `GET /api/me`: who the token is for, and the key it is bound to. */
export function describeAuthentication(framework: ResourceFramework, authentication: ResourceAuthentication) {
  const { claims } = authentication
  return {
    server: framework,
    sub: claims.sub,
    client_id: claims.client_id,
    scope: claims.scope,
    jkt: authentication.thumbprint,
  }
}

function guardOptions(options: ResourceServerOptions): ResourceGuardOptions {
  return {
    jwksUri: options.jwksUri,
    issuer: options.issuer,
    audience: options.issuer,
    requiredScopes: [API_SCOPE],
    resourceMetadata: {
      resource: options.origin,
      authorizationServers: [options.issuer],
      scopesSupported: [API_SCOPE],
    },
    ...(options.replayStore === undefined ? {} : { replayStore: options.replayStore }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  }
}

// The guard of the resource reports its events; the metadata route has no requests to report.
function protectedGuardOptions(options: ResourceServerOptions): ResourceGuardOptions {
  return {
    ...guardOptions(options),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  }
}

const NO_STORE = { 'Cache-Control': 'no-store' }

function createExpressResource(options: ResourceServerOptions): ResourceServer {
  const app = express()
  app.disable('x-powered-by')
  app.use(dpopExpress.protectedResourceMetadata(guardOptions(options)))
  // app.use: OPTIONS preflights reach the guard too, which answers them.
  app.use(
    RESOURCE_PATH,
    dpopExpress.dpop({ ...protectedGuardOptions(options), allowedOrigins: [options.spaOrigin] }),
  )
  app.get(RESOURCE_PATH, (req, res) => {
    res.set(NO_STORE).json(describeAuthentication('express', req.dpop!))
  })
  return { listener: app, close: async () => {} }
}

function createKoaResource(options: ResourceServerOptions): ResourceServer {
  const app = new Koa()
  const metadata = dpopKoa.protectedResourceMetadata(guardOptions(options))
  const guard = dpopKoa.dpop({ ...protectedGuardOptions(options), allowedOrigins: [options.spaOrigin] })
  app.use(metadata)
  app.use(async (ctx, next) => {
    if (ctx.path !== RESOURCE_PATH) return next()
    await guard(ctx, async () => {
      if (ctx.method !== 'GET') ctx.throw(405)
      ctx.set(NO_STORE)
      ctx.body = describeAuthentication('koa', ctx.state.dpop!)
    })
  })
  return { listener: app.callback(), close: async () => {} }
}

async function createFastifyResource(options: ResourceServerOptions): Promise<ResourceServer> {
  const app: FastifyInstance = Fastify({ logger: false })
  await app.register(dpopFastify.protectedResourceMetadata, guardOptions(options))
  await app.register(dpopFastify.dpop, {
    ...protectedGuardOptions(options),
    allowedOrigins: [options.spaOrigin],
  })
  app.route({
    method: ['GET', 'OPTIONS'],
    url: RESOURCE_PATH,
    preHandler: app.dpop.preHandler(),
    handler: async (request, reply) =>
      reply.headers(NO_STORE).send(describeAuthentication('fastify', request.dpop!)),
  })
  await app.ready()
  // The socket is the caller's: requests are handed to Fastify's own handler.
  return {
    listener: (request, response) => app.server.emit('request', request, response),
    close: () => app.close(),
  }
}

/** One resource server protecting `GET /api/me` with DPoP, on the given framework. */
export async function createResourceServer(
  framework: ResourceFramework,
  options: ResourceServerOptions,
): Promise<ResourceServer> {
  if (framework === 'express') return createExpressResource(options)
  if (framework === 'koa') return createKoaResource(options)
  return createFastifyResource(options)
}
