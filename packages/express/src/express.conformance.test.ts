import { createServer } from 'node:http'
import { type ConformanceAppOptions, listenOnLoopback, runConformanceSuite } from '@dpop/adapter-tests'
import express5, { type RequestHandler } from 'express'
import express4 from 'express4'
import { authorizationServer, dpop, protectedResourceMetadata } from './index.js'

const answer: RequestHandler = (req, res) => {
  res.json({ sub: req.dpop?.claims.sub, scheme: req.dpop?.scheme, thumbprint: req.dpop?.thumbprint })
}

/** The conformance app on one major of Express: the adapter's types are Express 5's, its code serves both. */
function startOn(express: typeof express5) {
  return (options: ConformanceAppOptions) => {
    const app = express()
    app.set('trust proxy', options.trustProxy ? 'loopback' : false)
    const publicUrl = options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }
    const routeOptions = { ...options.guard, ...publicUrl, allowedOrigins: options.allowedOrigins }
    const guard = dpop(routeOptions)

    app.use(authorizationServer(options.authorizationServer))
    app.use(protectedResourceMetadata(options.guard))
    app.options('/resource', guard)
    app.get('/resource', guard, answer)
    app.post('/resource', express.urlencoded({ extended: false }), guard, answer)
    app.get('/admin', guard.requireScopes(['admin']), answer)
    app.get('/optional', dpop({ ...routeOptions, credentialsRequired: false }), answer)
    app.get('/delegated', dpop({ ...routeOptions, errors: 'framework' }), answer)
    const api = express.Router()
    api.get('/items', guard, answer)
    app.use('/api/v1', api)
    app.get('/nonce', dpop({ ...options.nonceGuard, ...publicUrl }), answer)
    return listenOnLoopback(createServer(app))
  }
}

runConformanceSuite({ name: '@dpop/express on Express 5', start: startOn(express5) })
runConformanceSuite({
  name: '@dpop/express on Express 4',
  start: startOn(express4 as unknown as typeof express5),
})
