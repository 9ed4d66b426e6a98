import { listenOnLoopback } from '../listen-on-loopback.js'
import { type ConformanceAppOptions, runConformanceSuite } from '../run-conformance-suite.js'
import { fetchConformanceApp } from './fetch-conformance-app.js'
import { FETCH_LIMITS } from './fetch-limits.js'
import { routeAnswer } from './route-answer.js'
import { serveFetch } from './serve-fetch.js'

/** Plain `(request: Request) => Promise<Response>` routing, as a Deno, Bun or worker app would write it. */
function start(options: ConformanceAppOptions) {
  const { guard, optionalGuard, nonceGuard, authorizationServer, metadata } = fetchConformanceApp(options)
  const routes: Record<string, (request: Request) => Promise<Response>> = {
    '/resource': guard.protect(routeAnswer),
    '/api/v1/items': guard.protect(routeAnswer),
    '/admin': guard.protect(routeAnswer, { requiredScopes: ['admin'] }),
    '/nonce': nonceGuard.protect(routeAnswer),
    '/optional': optionalGuard.protect(routeAnswer),
  }
  return listenOnLoopback(
    serveFetch(async (request) => {
      const served = (await authorizationServer(request)) ?? metadata(request)
      if (served !== undefined) return served
      const route = routes[new URL(request.url).pathname]
      return route === undefined ? new Response('not found', { status: 404 }) : route(request)
    }),
  )
}

runConformanceSuite({ name: 'createFetchGuard (plain Request)', start, limits: FETCH_LIMITS })
