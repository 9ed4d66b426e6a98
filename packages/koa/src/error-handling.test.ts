import { createServer } from 'node:http'
import {
  type ConformanceApp,
  type ConformanceFixtures,
  createConformanceFixtures,
  listenOnLoopback,
  runFrameworkErrorCases,
  sendRequest,
} from '@dpop/adapter-tests'
import { type DPoPError, isDPoPError } from '@dpop/server'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DPoPState, dpop } from './index.js'

const majors = [
  ['Koa 3', Koa3],
  ['Koa 2', Koa2 as unknown as typeof Koa3],
] as const

describe.each(majors)('@dpop/koa on %s: thrown errors, key', (_, Koa) => {
  let fixtures: ConformanceFixtures
  let app: ConformanceApp
  const emitted: unknown[] = []

  beforeAll(async () => {
    fixtures = await createConformanceFixtures()
    const guard = dpop({ ...fixtures.guard, errors: 'framework', key: 'user' })
    const koa = new Koa<DPoPState<'user'>>()
    koa.on('error', (error: unknown) => emitted.push(error))
    // The app's own shape of an authentication failure, except on /default (Koa's own handler answers).
    koa.use(async (ctx, next) => {
      try {
        await next()
      } catch (error) {
        if (!isDPoPError(error) || ctx.path === '/default') throw error
        ctx.status = error.status
        ctx.set(error.headers)
        ctx.body = { message: error.message, code: error.code }
      }
    })
    koa.use(async (ctx, next) => {
      if (ctx.path === '/admin') return guard.withScopes(['admin'])(ctx, async () => {})
      await guard(ctx, async () => {
        ctx.body = { sub: ctx.state.user?.claims.sub, dpop: 'dpop' in ctx.state }
      })
      await next()
    })
    app = await listenOnLoopback(createServer(koa.callback()))
  })

  afterAll(() => app?.close())

  runFrameworkErrorCases(() => ({ origin: app.origin, fixtures }), {
    handler: 'upstream middleware',
    principal: 'ctx.state[key]',
    dpopAbsent: false,
    adminPaths: ['/admin'],
  })

  it("RFC 6750 §3: an error no middleware catches reaches app.on('error') and Koa answers its status", async () => {
    emitted.length = 0
    const response = await sendRequest(`${app.origin}/default`)
    expect(response.status).toBe(401)
    expect(response.headers['www-authenticate']).toMatch(/^DPoP /)
    expect(emitted).toHaveLength(1)
    expect((emitted[0] as DPoPError).status).toBe(401)
  })
})
