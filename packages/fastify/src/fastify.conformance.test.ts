import { type ConformanceAppOptions, runConformanceSuite } from '@dpop/adapter-tests'
import formbody5 from '@fastify/formbody'
import formbody4 from '@fastify/formbody7'
import Fastify5, { type FastifyRequest } from 'fastify'
import Fastify4 from 'fastify4'
import { authorizationServer, dpop, protectedResourceMetadata } from './index.js'

const answer = async (request: FastifyRequest) => ({
  sub: request.dpop?.claims.sub,
  scheme: request.dpop?.scheme,
  thumbprint: request.dpop?.thumbprint,
})

/**
 * The conformance app on one major of Fastify (and the `@fastify/formbody` of that major): the adapter's
 * types are Fastify 5's, its code serves both.
 */
const startOn =
  (Fastify: typeof Fastify5, formbody: typeof formbody5) => async (options: ConformanceAppOptions) => {
    const app = Fastify({ trustProxy: options.trustProxy ? '127.0.0.1' : false })
    const publicUrl = options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }

    await app.register(authorizationServer, { server: options.authorizationServer })
    await app.register(protectedResourceMetadata, options.guard)
    await app.register(formbody)
    const routeOptions = { ...options.guard, ...publicUrl, allowedOrigins: options.allowedOrigins }
    await app.register(dpop, routeOptions)
    app.route({
      method: ['GET', 'POST', 'OPTIONS'],
      url: '/resource',
      preHandler: app.dpop.preHandler(),
      handler: answer,
    })
    app.get('/admin', { preHandler: app.dpop.requireScopes(['admin']) }, answer)
    app.get('/optional', { preHandler: app.dpop.preHandler({ credentialsRequired: false }) }, answer)
    // A whole prefix behind the guard: the hook sees the full URL the client addressed.
    await app.register(
      async (api) => {
        api.addHook('preHandler', api.dpop.preHandler())
        api.get('/items', answer)
      },
      { prefix: '/api/v1' },
    )
    // A guard whose failures go to Fastify's default error handler.
    await app.register(async (scope) => {
      await scope.register(dpop, { ...routeOptions, errors: 'framework' })
      scope.get('/delegated', { preHandler: scope.dpop.preHandler() }, answer)
    })
    // A second guard lives in its own encapsulated scope.
    await app.register(async (scope) => {
      await scope.register(dpop, { ...options.nonceGuard, ...publicUrl })
      scope.get('/nonce', { preHandler: scope.dpop.preHandler() }, answer)
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    return { origin: `http://127.0.0.1:${port}`, close: () => app.close() }
  }

runConformanceSuite({ name: '@dpop/fastify on Fastify 5', start: startOn(Fastify5, formbody5) })
runConformanceSuite({
  name: '@dpop/fastify on Fastify 4',
  start: startOn(Fastify4 as unknown as typeof Fastify5, formbody4 as unknown as typeof formbody5),
})
