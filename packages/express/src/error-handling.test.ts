import { createServer } from 'node:http'
import {
  type ConformanceApp,
  type ConformanceFixtures,
  createConformanceFixtures,
  listenOnLoopback,
  runFrameworkErrorCases,
} from '@dpop/adapter-tests'
import { isDPoPError } from '@dpop/server'
import express5, { type ErrorRequestHandler } from 'express'
import express4 from 'express4'
import { afterAll, beforeAll, describe } from 'vitest'
import { type DPoPRequest, dpop } from './index.js'

const majors = [
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
] as const

describe.each(majors)('@dpop/express on %s: errors passed to next(err), requestProperty', (_, express) => {
  let fixtures: ConformanceFixtures
  let app: ConformanceApp

  beforeAll(async () => {
    fixtures = await createConformanceFixtures()
    const guard = dpop({ ...fixtures.guard, errors: 'framework', requestProperty: 'auth' })
    const server = express()
    server.get('/me', guard, (req: DPoPRequest<'auth'>, res) => {
      res.json({ sub: req.auth?.claims.sub, dpop: req.dpop !== undefined })
    })
    server.get('/admin', guard.withScopes(['admin']), (_req, res) => {
      res.json({})
    })
    // The app's own shape of an authentication failure; the challenge headers stay.
    const reshape: ErrorRequestHandler = (err, _req, res, next) => {
      if (!isDPoPError(err)) return next(err)
      res.status(err.status).set(err.headers).json({ message: err.message, code: err.code })
    }
    server.use(reshape)
    app = await listenOnLoopback(createServer(server))
  })

  afterAll(() => app?.close())

  runFrameworkErrorCases(() => ({ origin: app.origin, fixtures }), {
    handler: 'an error handler',
    principal: 'req[requestProperty]',
    dpopAbsent: false,
    adminPaths: ['/admin'],
  })
})
