import { expect, it } from 'vitest'
import type { ConformanceFixtures } from './conformance-fixtures.js'
import { sendRequest } from './send-request.js'

/** An app of an adapter run with `errors: 'framework'`, as `runFrameworkErrorCases` needs it. */
export interface FrameworkErrorApp {
  readonly origin: string
  readonly fixtures: ConformanceFixtures
}

/** What the app of `runFrameworkErrorCases` serves. */
export interface FrameworkErrorRoutes {
  /**
   * How the framework's own error handler, installed by the app, reshapes a failure (e.g. Express's
   * `(err, req, res, next)`): the case's title.
   */
  readonly handler: string
  /** Where the principal is put, e.g. `req[requestProperty]`: the case's title. */
  readonly principal: string
  /**
   * `GET /me` answers `{ sub, dpop }` with the principal's `sub` and what the default place of the principal
   * holds (`dpopAbsent` when the app put it elsewhere only).
   */
  readonly dpopAbsent: unknown
  /** Paths that require the scope `admin`, which the token of `/me` does not carry. */
  readonly adminPaths: readonly string[]
}

/**
 * The cases every adapter passes with `errors: 'framework'` and a renamed principal: its error handler
 * reshapes the `DPoPError` into `{ message, code }` and keeps its status and challenge headers. Call inside a
 * `describe` whose `beforeAll` starts the app.
 */
export function runFrameworkErrorCases(app: () => FrameworkErrorApp, routes: FrameworkErrorRoutes): void {
  async function dpopHeaders(path: string) {
    const { origin, fixtures } = app()
    const proof = await fixtures.proof('GET', origin + path, { accessToken: fixtures.tokens.read })
    return { authorization: `DPoP ${fixtures.tokens.read}`, dpop: proof }
  }

  it(`RFC 6750 §3: ${routes.handler} reshapes the DPoPError and keeps its status and challenge`, async () => {
    const response = await sendRequest(`${app().origin}/me`)
    expect(response.status).toBe(401)
    expect(response.headers['www-authenticate']).toMatch(/^DPoP .*algs="/)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(JSON.parse(response.body)).toEqual({ message: 'access token required', code: 'invalid_token' })
  })

  it(`sets the result on ${routes.principal} only`, async () => {
    const response = await sendRequest(`${app().origin}/me`, { headers: await dpopHeaders('/me') })
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ sub: 'alice', dpop: routes.dpopAbsent })
  })

  it('RFC 6750 §3.1: the scope-requiring guards require the scopes', async () => {
    for (const path of routes.adminPaths) {
      const response = await sendRequest(app().origin + path, { headers: await dpopHeaders(path) })
      expect(response.status, path).toBe(403)
      expect(JSON.parse(response.body)).toMatchObject({ code: 'insufficient_scope' })
    }
  })
}
