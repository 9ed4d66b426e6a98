import { createServer } from 'node:http'
import {
  createFetchGuard,
  fetchAuthorizationServer,
  fetchProtectedResourceMetadata,
  type ResourceAuthentication,
} from '@dpop/server'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { listenOnLoopback } from '../listen-on-loopback.js'
import { type ConformanceAppOptions, runConformanceSuite } from '../run-conformance-suite.js'
import { FETCH_LIMITS } from './fetch-limits.js'
import { routeAnswer } from './route-answer.js'

const fields = (authentication: ResourceAuthentication) => ({
  sub: authentication.claims.sub,
  scheme: authentication.scheme,
  thumbprint: authentication.thumbprint,
})

/** Hono on Node (@hono/node-server), the guard used as Hono users would: `protect()` around a handler. */
function start(options: ConformanceAppOptions) {
  const publicUrl = options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }
  const guard = createFetchGuard({ ...options.guard, ...publicUrl, allowedOrigins: options.allowedOrigins })
  const nonceGuard = createFetchGuard({ ...options.nonceGuard, ...publicUrl })
  const authorizationServer = fetchAuthorizationServer(options.authorizationServer)
  const metadata = fetchProtectedResourceMetadata(options.guard)
  const resource = guard.protect((_request, authentication) => routeAnswer(fields(authentication)))
  const admin = guard.protect((_request, authentication) => routeAnswer(fields(authentication)), {
    requiredScopes: ['admin'],
  })

  const app = new Hono()
  app.use(async (c, next) => (await authorizationServer(c.req.raw)) ?? metadata(c.req.raw) ?? next())
  app.on(['GET', 'POST', 'OPTIONS'], '/resource', (c) => resource(c.req.raw))
  app.get('/admin', (c) => admin(c.req.raw))
  const api = new Hono()
  api.get('/items', (c) => resource(c.req.raw))
  app.route('/api/v1', api)
  // The guard called directly: a Response is a refusal to send, anything else the authentication.
  app.get('/nonce', async (c) => {
    const result = await nonceGuard(c.req.raw)
    if (result instanceof Response) return result
    return c.body(JSON.stringify(fields(result)), 200, {
      ...result.responseHeaders,
      'Content-Type': 'application/json; charset=utf-8',
    })
  })
  return listenOnLoopback(createServer(getRequestListener(app.fetch)))
}

runConformanceSuite({ name: 'createFetchGuard (Hono)', start, limits: FETCH_LIMITS })
