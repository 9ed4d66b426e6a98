import { createServer } from 'node:http'
import { type ConformanceAppOptions, listenOnLoopback, runConformanceSuite } from '@dpop/adapter-tests'
import { bodyParser } from '@koa/bodyparser'
import Koa3, { type Middleware } from 'koa'
import mount from 'koa-mount'
import Koa2 from 'koa2'
import { authorizationServer, dpop, protectedResourceMetadata } from './index.js'

const answer: Middleware = (ctx) => {
  const { dpop } = ctx.state
  ctx.body = { sub: dpop?.claims.sub, scheme: dpop?.scheme, thumbprint: dpop?.thumbprint }
}

/** A plain route: the guard then the answer, for one path. */
function route(path: string, guard: Middleware): Middleware {
  return (ctx, next) => (ctx.path === path ? guard(ctx, () => answer(ctx, next)) : next())
}

/** The conformance app on one major of Koa: the adapter's types are Koa 3's, its code serves both. */
const startOn = (Koa: typeof Koa3) => (options: ConformanceAppOptions) => {
  const app = new Koa({ proxy: options.trustProxy })
  app.silent = true
  const publicUrl = options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }
  const routeOptions = { ...options.guard, ...publicUrl, allowedOrigins: options.allowedOrigins }
  const guard = dpop(routeOptions)

  app.use(authorizationServer(options.authorizationServer))
  app.use(protectedResourceMetadata(options.guard))
  app.use(bodyParser({ enableTypes: ['form'] }))
  app.use(route('/resource', guard))
  app.use(route('/admin', guard.requireScopes(['admin'])))
  app.use(route('/optional', dpop({ ...routeOptions, credentialsRequired: false })))
  app.use(route('/delegated', dpop({ ...routeOptions, errors: 'framework' })))
  app.use(mount('/api/v1', route('/items', guard)))
  app.use(route('/nonce', dpop({ ...options.nonceGuard, ...publicUrl })))
  return listenOnLoopback(createServer(app.callback()))
}

runConformanceSuite({ name: '@dpop/koa on Koa 3', start: startOn(Koa3) })
runConformanceSuite({ name: '@dpop/koa on Koa 2', start: startOn(Koa2 as unknown as typeof Koa3) })
