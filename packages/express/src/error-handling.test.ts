import { createServer } from 'node:http'
import {
  type ConformanceApp,
  type ConformanceFixtures,
  createConformanceFixtures,
  listenOnLoopback,
  sendRequest,
} from '@dpop/adapter-tests'
import { isDPoPError } from '@dpop/server'
import express5, { type ErrorRequestHandler } from 'express'
import express4 from 'express4'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

  async function dpopHeaders(path: string) {
    const proof = await fixtures.proof('GET', app.origin + path, { accessToken: fixtures.tokens.read })
    return { authorization: `DPoP ${fixtures.tokens.read}`, dpop: proof }
  }

  it('RFC 6750 §3: an error handler reshapes the DPoPError and keeps its status and challenge', async () => {
    const response = await sendRequest(`${app.origin}/me`)
    expect(response.status).toBe(401)
    expect(response.headers['www-authenticate']).toMatch(/^DPoP .*algs="/)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(JSON.parse(response.body)).toEqual({ message: 'access token required', code: 'invalid_token' })
  })

  it('sets the result on req[requestProperty] only', async () => {
    const response = await sendRequest(`${app.origin}/me`, { headers: await dpopHeaders('/me') })
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ sub: 'alice', dpop: false })
  })

  it('RFC 6750 §3.1: the deprecated withScopes() still requires the scopes', async () => {
    const response = await sendRequest(`${app.origin}/admin`, { headers: await dpopHeaders('/admin') })
    expect(response.status).toBe(403)
    expect(JSON.parse(response.body)).toMatchObject({ code: 'insufficient_scope' })
  })
})
