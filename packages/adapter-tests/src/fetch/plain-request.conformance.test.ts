import { createFetchGuard, fetchAuthorizationServer, fetchProtectedResourceMetadata } from '@dpop/server'
import { listenOnLoopback } from '../listen-on-loopback.js'
import { type ConformanceAppOptions, runConformanceSuite } from '../run-conformance-suite.js'
import { FETCH_LIMITS } from './fetch-limits.js'
import { routeAnswer } from './route-answer.js'
import { serveFetch } from './serve-fetch.js'

/** Plain `(request: Request) => Promise<Response>` routing, as a Deno, Bun or worker app would write it. */
function start(options: ConformanceAppOptions) {
  const publicUrl = options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }
  const guard = createFetchGuard({ ...options.guard, ...publicUrl, allowedOrigins: options.allowedOrigins })
  const nonceGuard = createFetchGuard({ ...options.nonceGuard, ...publicUrl })
  const authorizationServer = fetchAuthorizationServer(options.authorizationServer)
  const metadata = fetchProtectedResourceMetadata(options.guard)
  const answer = (
    _request: Request,
    authentication: { claims: { sub?: unknown }; scheme: string; thumbprint?: string | undefined },
  ) =>
    routeAnswer({
      sub: authentication.claims.sub,
      scheme: authentication.scheme,
      thumbprint: authentication.thumbprint,
    })
  const routes: Record<string, (request: Request) => Promise<Response>> = {
    '/resource': guard.protect(answer),
    '/api/v1/items': guard.protect(answer),
    '/admin': guard.protect(answer, { requiredScopes: ['admin'] }),
    '/nonce': nonceGuard.protect(answer),
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
