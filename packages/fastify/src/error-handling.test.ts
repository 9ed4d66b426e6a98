import {
  type ConformanceFixtures,
  createConformanceFixtures,
  runFrameworkErrorCases,
} from '@dpop/adapter-tests'
import { isDPoPError } from '@dpop/server'
import Fastify5, { type FastifyInstance } from 'fastify'
import Fastify4 from 'fastify4'
import { afterAll, beforeAll, describe } from 'vitest'
import { type DPoPRequest, dpop } from './index.js'

const majors = [
  ['Fastify 5', Fastify5],
  ['Fastify 4', Fastify4 as unknown as typeof Fastify5],
] as const

describe.each(majors)('@dpop/fastify on %s: setErrorHandler, decoratorName, requireScopes', (_, Fastify) => {
  let fixtures: ConformanceFixtures
  let app: FastifyInstance
  let origin: string

  beforeAll(async () => {
    fixtures = await createConformanceFixtures()
    app = Fastify()
    await app.register(dpop, { ...fixtures.guard, errors: 'framework', decoratorName: 'user' })
    // The app's own shape of an authentication failure; the challenge headers stay.
    app.setErrorHandler((error, _request, reply) => {
      if (!isDPoPError(error)) return reply.send(error)
      return reply
        .code(error.status)
        .headers(error.headers)
        .send({ message: error.message, code: error.code })
    })
    app.get('/me', { preHandler: app.dpop.preHandler() }, async (request: DPoPRequest<'user'>) => ({
      sub: request.user?.claims.sub,
      dpop: request.dpop ?? null,
    }))
    app.get('/admin', { preHandler: app.dpop.requireScopes(['admin']) }, async () => ({}))
    app.get('/legacy', { preHandler: app.dpop.preHandler({ requiredScopes: ['admin'] }) }, async () => ({}))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  })

  afterAll(() => app?.close())

  runFrameworkErrorCases(() => ({ origin, fixtures }), {
    handler: 'setErrorHandler',
    principal: 'request[decoratorName]',
    dpopAbsent: null,
    adminPaths: ['/admin', '/legacy'],
  })
})
