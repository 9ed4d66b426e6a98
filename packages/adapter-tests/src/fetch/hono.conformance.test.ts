import { createServer } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { listenOnLoopback } from '../listen-on-loopback.js'
import { type ConformanceAppOptions, runConformanceSuite } from '../run-conformance-suite.js'
import { fetchConformanceApp } from './fetch-conformance-app.js'
import { FETCH_LIMITS } from './fetch-limits.js'
import { answerBody, routeAnswer } from './route-answer.js'

/** Hono on Node (@hono/node-server), the guard used as Hono users would: `protect()` or a direct call. */
function start(options: ConformanceAppOptions) {
  const { guard, optionalGuard, nonceGuard, authorizationServer, metadata } = fetchConformanceApp(options)
  const resource = guard.protect(routeAnswer)
  const admin = guard.protect(routeAnswer, { requiredScopes: ['admin'] })

  const app = new Hono()
  app.use(async (c, next) => (await authorizationServer(c.req.raw)) ?? metadata(c.req.raw) ?? next())
  app.on(['GET', 'POST', 'OPTIONS'], '/resource', (c) => resource(c.req.raw))
  app.get('/admin', (c) => admin(c.req.raw))
  const optional = optionalGuard.protect(routeAnswer)
  app.get('/optional', (c) => optional(c.req.raw))
  const api = new Hono()
  api.get('/items', (c) => resource(c.req.raw))
  app.route('/api/v1', api)
  // The guard called directly: a Response is a refusal to send, anything else the authentication.
  app.get('/nonce', async (c) => {
    const result = await nonceGuard(c.req.raw)
    if (result instanceof Response) return result
    return c.body(JSON.stringify(answerBody(result)), 200, {
      ...result.responseHeaders,
      'Content-Type': 'application/json; charset=utf-8',
    })
  })
  return listenOnLoopback(createServer(getRequestListener(app.fetch)))
}

runConformanceSuite({ name: 'createFetchGuard (Hono)', start, limits: FETCH_LIMITS })
