import { type DPoPError, isDPoPError, type NonceSource, parseWWWAuthenticate } from '@dpop/core'
import {
  type AuthorizationServer,
  createResourceGuard,
  type ResourceGuardOptions,
  resolveRequestUrl,
} from '@dpop/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ALLOWED_ORIGIN,
  AUTHORIZATION_SERVER_ISSUER,
  CLIENT_ID,
  CLIENT_SECRET,
  type ConformanceFixtures,
  createConformanceFixtures,
  RESOURCE,
  RESOURCE_NONCE_SERVER,
} from './conformance-fixtures.js'
import {
  type ExpectedResponse,
  preflightResponse,
  type ReferenceRequest,
  type ReferenceRoute,
  referenceResponse,
  renderError,
} from './reference-response.js'
import { runClientInteropSuite } from './run-client-interop-suite.js'
import { type ReceivedResponse, sendRequest } from './send-request.js'

/** What an adapter's app is built from. Every app serves the routes listed in `runConformanceSuite`. */
export interface ConformanceAppOptions {
  /** Guard options of `/resource`, `/admin` and `/api/v1/items`. */
  guard: ResourceGuardOptions
  /** CORS origins of those three routes. */
  allowedOrigins: readonly string[]
  /** Guard options of `/nonce` (resource server nonces required, no CORS). */
  nonceGuard: ResourceGuardOptions
  /** Mounted at the app's root with the adapter's own helper. */
  authorizationServer: AuthorizationServer
  /** Trust `X-Forwarded-Proto`/`X-Forwarded-Host` from loopback peers, with the framework's own setting. */
  trustProxy: boolean
  /** The adapter's `publicUrl` option for every guard, when given. */
  publicUrl?: string
}

export interface ConformanceApp {
  /** `http://127.0.0.1:<port>` */
  origin: string
  close(): Promise<void>
}

/**
 * What an adapter cannot see, each with the reason: the cases that need it are skipped for that adapter.
 * Only for adapters of the Fetch API, whose `Request` is built by the runtime.
 */
export interface ConformanceLimits {
  /** No peer address, so no framework setting decides which proxy's `X-Forwarded-*` to trust. */
  trustedProxy?: string
  /** The runtime parsed the URL from the `Host` header: repeated or malformed lines never reach the guard. */
  hostHeader?: string
  /** No framework error handling to hand failures to (no `/delegated` route). */
  frameworkErrors?: string
}

export interface ConformanceAdapter {
  name: string
  start(options: ConformanceAppOptions): Promise<ConformanceApp>
  limits?: ConformanceLimits
}

const PUBLIC_URL = 'https://public.example/base'
const RELEVANT_HEADERS = [
  'www-authenticate',
  'dpop-nonce',
  'content-type',
  'cache-control',
  'vary',
  'access-control-allow-origin',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-allow-methods',
  'access-control-max-age',
]

function relevantHeaders(
  headers: Record<string, string | readonly string[] | undefined>,
): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const name of RELEVANT_HEADERS) {
    const value = headers[name]
    if (value !== undefined) picked[name] = typeof value === 'string' ? value : value.join(', ')
  }
  return picked
}

function parseBody(body: string): unknown {
  if (body === '') return ''
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}

/**
 * Asserts that an adapter answered exactly what the framework-neutral guard answers (status, the DPoP
 * and CORS headers, body), so the three adapters are identical on the wire. Nonce values are time-stepped:
 * they must verify with the shared source rather than be equal.
 */
async function expectConformant(
  actual: ReceivedResponse,
  expected: ExpectedResponse,
  nonceSource: NonceSource,
): Promise<void> {
  const actualHeaders = relevantHeaders(actual.headers)
  const expectedHeaders = relevantHeaders(expected.headers)
  for (const headers of [actualHeaders, expectedHeaders]) {
    const nonce = headers['dpop-nonce']
    if (nonce !== undefined) {
      expect((await nonceSource.verify(nonce, RESOURCE_NONCE_SERVER)).status).toBe('valid')
      headers['dpop-nonce'] = '<valid nonce>'
    }
  }
  expect({ status: actual.status, headers: actualHeaders, body: parseBody(actual.body) }).toEqual({
    status: expected.status,
    headers: expectedHeaders,
    body: parseBody(expected.body),
  })
}

function errorCode(response: ReceivedResponse): unknown {
  return (parseBody(response.body) as { error?: unknown }).error
}

function challengeOf(response: ReceivedResponse): Record<string, string> {
  const header = response.headers['www-authenticate']
  expect(header).toBeDefined()
  const [challenge] = parseWWWAuthenticate(header as string)
  expect(challenge?.scheme).toBe('DPoP')
  return challenge?.params ?? {}
}

function captureError(run: () => unknown): DPoPError {
  try {
    run()
  } catch (error) {
    if (isDPoPError(error)) return error
    throw error
  }
  throw new Error('expected a DPoPError')
}

/**
 * The one conformance suite every adapter runs against its real framework on a loopback port. The app an
 * adapter starts for `ConformanceAppOptions` must serve:
 * - `GET|OPTIONS /resource`: guard `guard` with CORS `allowedOrigins`, answering JSON `{ sub, scheme, thumbprint }`
 *   from the adapter's typed result (`req.dpop`, `ctx.state.dpop`, `request.dpop`);
 * - `POST /resource`: the same, behind the framework's usual `application/x-www-form-urlencoded` body parser
 *   (Express `express.urlencoded()`, Koa `@koa/bodyparser`, Fastify `@fastify/formbody`);
 * - `GET /admin`: the same guard with `requiredScopes: ['admin']` for that route only;
 * - `GET /api/v1/items`: the same guard and answer on a route `/items` of a sub-router / plugin mounted at `/api/v1`;
 * - `GET /nonce`: guard `nonceGuard` (no CORS), same answer;
 * - `GET /optional`: guard `guard` with `credentialsRequired: false` and CORS `allowedOrigins`, same answer;
 * - `GET /delegated`: guard `guard` with `errors: 'framework'` and CORS `allowedOrigins`, same answer, and no
 *   error handler of the app's own: the framework's default handler answers the failures (unless
 *   `limits.frameworkErrors`);
 * - `GET /.well-known/oauth-protected-resource`: the adapter's RFC 9728 metadata helper for `guard`;
 * - the authorization server's routes, with the adapter's mounting helper.
 */
export function runConformanceSuite(adapter: ConformanceAdapter): void {
  describe(`${adapter.name}: DPoP conformance (RFC 9449)`, () => {
    let fixtures: ConformanceFixtures
    let plain: ConformanceApp
    let trusted: ConformanceApp
    let behindPublicUrl: ConformanceApp
    let route: ReferenceRoute
    let nonceRoute: ReferenceRoute

    beforeAll(async () => {
      fixtures = await createConformanceFixtures()
      const options: ConformanceAppOptions = {
        guard: fixtures.guard,
        allowedOrigins: [ALLOWED_ORIGIN],
        nonceGuard: fixtures.nonceGuard,
        authorizationServer: fixtures.authorizationServer,
        trustProxy: false,
      }
      route = { guard: fixtures.guard, allowedOrigins: [ALLOWED_ORIGIN] }
      nonceRoute = { guard: fixtures.nonceGuard }
      ;[plain, trusted, behindPublicUrl] = await Promise.all([
        adapter.start(options),
        adapter.start({ ...options, trustProxy: true }),
        adapter.start({ ...options, publicUrl: PUBLIC_URL }),
      ])
    })

    afterAll(async () => {
      await Promise.all([plain, trusted, behindPublicUrl].map((app) => app?.close()))
    })

    /** Headers of a DPoP request with the `read` token and a fresh proof for `method url` (overridable). */
    async function dpopHeaders(
      method: string,
      url: string,
      options: { token?: string; proofMethod?: string; proofUrl?: string } = {},
    ): Promise<{ authorization: string; dpop: string }> {
      const token = options.token ?? fixtures.tokens.read
      const proof = await fixtures.proof(options.proofMethod ?? method, options.proofUrl ?? url, {
        accessToken: token,
      })
      return { authorization: `DPoP ${token}`, dpop: proof }
    }

    /** Sends the request to `app` and checks it against the reference guard for the URL the client addressed. */
    async function conform(
      app: ConformanceApp,
      path: string,
      headers: Record<string, string | readonly string[]>,
      reference: {
        route?: ReferenceRoute
        url?: string
        method?: string
        body?: string
        before?: ReferenceRequest['before']
      } = {},
    ): Promise<ReceivedResponse> {
      const method = reference.method ?? 'GET'
      const body = reference.body === undefined ? {} : { body: reference.body }
      const actual = await sendRequest(app.origin + path, { method, headers, ...body })
      const expected = await referenceResponse(reference.route ?? route, {
        method,
        url: reference.url ?? app.origin + path,
        headers,
        ...body,
        ...(reference.before === undefined ? {} : { before: reference.before }),
      })
      await expectConformant(actual, expected, fixtures.nonceSource)
      return actual
    }

    it('RFC 9449 §7.1: a valid DPoP request reaches the route with the typed result', async () => {
      const url = `${plain.origin}/resource`
      const response = await conform(plain, '/resource', await dpopHeaders('GET', url))
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body)).toEqual({
        sub: 'alice',
        scheme: 'DPoP',
        thumbprint: fixtures.thumbprint,
      })
    })

    it('RFC 9449 §7.1, RFC 6750 §3.1: no credentials answers 401 with a DPoP challenge, algs and no error', async () => {
      const response = await conform(plain, '/resource', {})
      expect(response.status).toBe(401)
      const challenge = challengeOf(response)
      expect(challenge.algs).toBeTruthy()
      expect(challenge.error).toBeUndefined()
      expect(challenge.resource_metadata).toBe(`${RESOURCE}/.well-known/oauth-protected-resource`)
    })

    it('RFC 9449 §7.2: a DPoP-bound token sent as Bearer is rejected', async () => {
      const url = `${plain.origin}/resource`
      const headers = await dpopHeaders('GET', url)
      const response = await conform(plain, '/resource', {
        ...headers,
        authorization: `Bearer ${fixtures.tokens.read}`,
      })
      expect(response.status).toBe(401)
    })

    it('RFC 9449 §4.3: a DPoP token without proof, with an empty proof or with two proofs is rejected', async () => {
      const url = `${plain.origin}/resource`
      const { authorization, dpop } = await dpopHeaders('GET', url)
      const second = await fixtures.proof('GET', url, { accessToken: fixtures.tokens.read })
      for (const headers of [
        { authorization },
        { authorization, dpop: '' },
        { authorization, dpop: [dpop, second] },
      ]) {
        const response = await conform(plain, '/resource', headers)
        expect(response.status).toBe(401)
        expect(errorCode(response)).toBe('invalid_dpop_proof')
      }
    })

    it('RFC 9449 §4.3 step 1: two Authorization header lines are rejected, not reduced to the first', async () => {
      const url = `${plain.origin}/resource`
      const { authorization, dpop } = await dpopHeaders('GET', url)
      const response = await conform(plain, '/resource', {
        authorization: [authorization, `DPoP ${fixtures.tokens.unbound}`],
        dpop,
      })
      expect(response.status).toBeGreaterThanOrEqual(400)
      expect(response.status).toBeLessThan(500)
      expect(errorCode(response)).toBe('invalid_request')
    })

    it('RFC 6750 §2.3, RFC 9449 §7: an access_token in the query is 400 invalid_request, alone or beside the header', async () => {
      const path = '/resource?access_token=leaked'
      const url = plain.origin + path
      for (const headers of [await dpopHeaders('GET', url), {}]) {
        const response = await conform(plain, path, headers)
        expect(response.status).toBe(400)
        expect(errorCode(response)).toBe('invalid_request')
        expect(challengeOf(response).error).toBe('invalid_request')
        // The route was never reached: its answer would carry the subject.
        expect(response.body).not.toContain('alice')
      }
      const other = await conform(
        plain,
        '/resource?q=1',
        await dpopHeaders('GET', `${plain.origin}/resource?q=1`),
      )
      expect(other.status).toBe(200)
    })

    it('RFC 6750 §2.2, RFC 9449 §7: an access_token in a parsed form body is 400 invalid_request', async () => {
      const url = `${plain.origin}/resource`
      const form = { 'content-type': 'application/x-www-form-urlencoded' }
      const withToken = await conform(
        plain,
        '/resource',
        { ...form, ...(await dpopHeaders('POST', url)) },
        { method: 'POST', body: `note=hi&access_token=${fixtures.tokens.read}` },
      )
      expect(withToken.status).toBe(400)
      expect(errorCode(withToken)).toBe('invalid_request')
      expect(challengeOf(withToken).error).toBe('invalid_request')
      const alone = await conform(plain, '/resource', form, {
        method: 'POST',
        body: `access_token=${fixtures.tokens.read}`,
      })
      expect(alone.status).toBe(400)
      expect(errorCode(alone)).toBe('invalid_request')
      const clean = await conform(
        plain,
        '/resource',
        { ...form, ...(await dpopHeaders('POST', url)) },
        { method: 'POST', body: 'note=access_token' },
      )
      expect(clean.status).toBe(200)
    })

    it('RFC 9449 §7.1: a proof from another key than cnf.jkt is rejected', async () => {
      const url = `${plain.origin}/resource`
      const proof = await fixtures.proof('GET', url, {
        accessToken: fixtures.tokens.read,
        key: fixtures.otherKey,
      })
      const response = await conform(plain, '/resource', {
        authorization: `DPoP ${fixtures.tokens.read}`,
        dpop: proof,
      })
      expect(response.status).toBe(401)
    })

    it('RFC 9449 §4.3 step 12: a wrong or missing ath is rejected', async () => {
      const url = `${plain.origin}/resource`
      const wrong = await fixtures.proof('GET', url, { accessToken: fixtures.tokens.unbound })
      const missing = await fixtures.proof('GET', url)
      for (const dpop of [wrong, missing]) {
        const response = await conform(plain, '/resource', {
          authorization: `DPoP ${fixtures.tokens.read}`,
          dpop,
        })
        expect(response.status).toBe(401)
        expect(errorCode(response)).toBe('invalid_dpop_proof')
      }
    })

    it('RFC 9449 §4.3 steps 8-9: htm of another method and htu of another route are rejected', async () => {
      const url = `${plain.origin}/resource`
      for (const headers of [
        await dpopHeaders('GET', url, { proofMethod: 'POST' }),
        await dpopHeaders('GET', url, { proofUrl: `${plain.origin}/admin` }),
      ]) {
        const response = await conform(plain, '/resource', headers)
        expect(response.status).toBe(401)
        expect(errorCode(response)).toBe('invalid_dpop_proof')
      }
    })

    it('RFC 9449 §11.1: a replayed proof is rejected', async () => {
      const url = `${plain.origin}/resource`
      const headers = await dpopHeaders('GET', url)
      expect((await conform(plain, '/resource', headers)).status).toBe(200)
      const replay = await conform(plain, '/resource', headers, {
        before: [{ method: 'GET', url, headers }],
      })
      expect(replay.status).toBe(401)
      expect(errorCode(replay)).toBe('invalid_dpop_proof')
    })

    it('RFC 9449 §4.3 step 9: a route under a prefix checks htu against the full URL the client addressed', async () => {
      const url = `${plain.origin}/api/v1/items`
      const response = await conform(plain, '/api/v1/items', await dpopHeaders('GET', url))
      expect(response.status).toBe(200)
      const inner = await conform(
        plain,
        '/api/v1/items',
        await dpopHeaders('GET', url, { proofUrl: `${plain.origin}/items` }),
      )
      expect(inner.status).toBe(401)
    })

    it.skipIf(adapter.limits?.trustedProxy)(
      'RFC 9449 §4.3 step 9: behind a trusted proxy the forwarded URL is the one checked',
      async () => {
        const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' }
        const publicResource = 'https://api.example.com/resource'
        const headers = { ...forwarded, ...(await dpopHeaders('GET', publicResource)) }
        const response = await conform(trusted, '/resource', headers, { url: publicResource })
        expect(response.status).toBe(200)
      },
    )

    it('RFC 9449 §4.3 step 9: behind an untrusted proxy the forwarded headers are ignored', async () => {
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' }
      const forForwarded = { ...forwarded, ...(await dpopHeaders('GET', 'https://api.example.com/resource')) }
      const rejected = await conform(plain, '/resource', forForwarded)
      expect(rejected.status).toBe(401)
      expect(errorCode(rejected)).toBe('invalid_dpop_proof')
      const forSocket = { ...forwarded, ...(await dpopHeaders('GET', `${plain.origin}/resource`)) }
      expect((await conform(plain, '/resource', forSocket)).status).toBe(200)
    })

    it('RFC 9449 §4.3 step 9: publicUrl replaces the origin and prefixes the path', async () => {
      const publicResource = `${PUBLIC_URL}/resource`
      const response = await conform(behindPublicUrl, '/resource', await dpopHeaders('GET', publicResource), {
        url: publicResource,
      })
      expect(response.status).toBe(200)
      const local = await dpopHeaders('GET', `${behindPublicUrl.origin}/resource`)
      expect((await conform(behindPublicUrl, '/resource', local, { url: publicResource })).status).toBe(401)
    })

    it.skipIf(adapter.limits?.trustedProxy ?? adapter.limits?.hostHeader)(
      'RFC 9110 §7.2: a malformed Host or trusted X-Forwarded-Host is rejected with 400, never folded',
      async () => {
        const cases: Array<[ConformanceApp, Record<string, string>, string]> = [
          [plain, { host: 'a.example, b.example' }, 'a.example, b.example'],
          [plain, { host: 'user@a.example' }, 'user@a.example'],
          [plain, { host: 'a.example/evil' }, 'a.example/evil'],
          [trusted, { 'x-forwarded-host': 'a.example/evil' }, 'a.example/evil'],
          [trusted, { 'x-forwarded-host': 'a example' }, 'a example'],
        ]
        for (const [app, header, host] of cases) {
          const headers = {
            ...header,
            authorization: `DPoP ${fixtures.tokens.read}`,
            dpop: await fixtures.proof('GET', 'https://a.example/resource'),
          }
          const actual = await sendRequest(`${app.origin}/resource`, { headers })
          const error = captureError(() => resolveRequestUrl({ protocol: 'http', host, path: '/resource' }))
          await expectConformant(actual, renderError(error, { Vary: 'Origin' }), fixtures.nonceSource)
          expect(actual.status, host).toBe(400)
          expect(errorCode(actual)).toBe('invalid_request')
        }
      },
    )

    it.skipIf(adapter.limits?.hostHeader)(
      'RFC 9112 §3.2: two Host lines are rejected with 400 when no publicUrl is set, not reduced to the first',
      async () => {
        const url = `${plain.origin}/resource`
        const headers = {
          host: [new URL(plain.origin).host, 'b.example'],
          ...(await dpopHeaders('GET', url)),
        }
        const actual = await sendRequest(url, { headers })
        const error = captureError(() =>
          resolveRequestUrl({
            protocol: 'http',
            host: new URL(plain.origin).host,
            path: '/resource',
            rawHeaders: ['Host', new URL(plain.origin).host, 'Host', 'b.example'],
          }),
        )
        expect(error.reason).toBe('host_multiple')
        await expectConformant(actual, renderError(error, { Vary: 'Origin' }), fixtures.nonceSource)
        expect(actual.status).toBe(400)
        expect(errorCode(actual)).toBe('invalid_request')
      },
    )

    it('RFC 9449 §9: a resource nonce is required with use_dpop_nonce, then the retry succeeds', async () => {
      const url = `${plain.origin}/nonce`
      const first = await conform(plain, '/nonce', await dpopHeaders('GET', url), { route: nonceRoute })
      expect(first.status).toBe(401)
      expect(challengeOf(first).error).toBe('use_dpop_nonce')
      const nonce = first.headers['dpop-nonce']
      expect(typeof nonce).toBe('string')
      const proof = await fixtures.proof('GET', url, {
        accessToken: fixtures.tokens.read,
        nonce: nonce as string,
      })
      const retry = await conform(
        plain,
        '/nonce',
        { authorization: `DPoP ${fixtures.tokens.read}`, dpop: proof },
        { route: nonceRoute },
      )
      expect(retry.status).toBe(200)
      // The nonce used is about to expire: the success carries the next one.
      expect(retry.headers['dpop-nonce']).toEqual(expect.any(String))
    })

    it('RFC 9449 §8, §9: a nonce is valid only at the server that issued it, even from one shared source', async () => {
      const tokenUrl = `${AUTHORIZATION_SERVER_ISSUER}/token`
      const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`
      const token = async (nonce?: string) =>
        sendRequest(`${plain.origin}/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basic,
            'x-conformance-nonce': '1',
            dpop: await fixtures.proof('POST', tokenUrl, nonce === undefined ? {} : { nonce }),
          },
          body: 'grant_type=client_credentials&scope=read',
        })
      const challenged = await token()
      expect(challenged.status).toBe(400)
      expect(errorCode(challenged)).toBe('use_dpop_nonce')
      const asNonce = challenged.headers['dpop-nonce'] as string
      expect(typeof asNonce).toBe('string')

      // The authorization server's nonce at the resource: refused, and the resource hands out its own.
      const url = `${plain.origin}/nonce`
      const atResource = await conform(
        plain,
        '/nonce',
        {
          authorization: `DPoP ${fixtures.tokens.read}`,
          dpop: await fixtures.proof('GET', url, { accessToken: fixtures.tokens.read, nonce: asNonce }),
        },
        { route: nonceRoute },
      )
      expect(atResource.status).toBe(401)
      expect(challengeOf(atResource).error).toBe('use_dpop_nonce')
      const resourceNonce = atResource.headers['dpop-nonce'] as string

      // The resource's nonce at the token endpoint: refused; the authorization server's own passes.
      const atServer = await token(resourceNonce)
      expect(atServer.status).toBe(400)
      expect(errorCode(atServer)).toBe('use_dpop_nonce')
      expect((await token(atServer.headers['dpop-nonce'] as string)).status).toBe(200)
    })

    it('RFC 9449 §9, Fetch CORS: preflights, errors and successes expose DPoP-Nonce and WWW-Authenticate', async () => {
      const url = `${plain.origin}/resource`
      const preflight = await sendRequest(url, {
        method: 'OPTIONS',
        headers: {
          origin: ALLOWED_ORIGIN,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization, dpop',
        },
      })
      await expectConformant(preflight, preflightResponse(route, ALLOWED_ORIGIN), fixtures.nonceSource)
      expect(preflight.headers['access-control-allow-headers']).toBe('Authorization, DPoP, Content-Type')
      expect(preflight.headers['access-control-expose-headers']).toBe('DPoP-Nonce, WWW-Authenticate')
      const foreign = await sendRequest(url, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      })
      await expectConformant(foreign, preflightResponse(route, 'https://evil.example'), fixtures.nonceSource)
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined()

      const error = await conform(plain, '/resource', { origin: ALLOWED_ORIGIN })
      expect(error.status).toBe(401)
      expect(error.headers['access-control-expose-headers']).toBe('DPoP-Nonce, WWW-Authenticate')
      const success = await conform(plain, '/resource', {
        origin: ALLOWED_ORIGIN,
        ...(await dpopHeaders('GET', url)),
      })
      expect(success.status).toBe(200)
      expect(success.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN)
    })

    it('RFC 6750 §3.1: a route requiring a scope the token lacks answers 403 insufficient_scope', async () => {
      const url = `${plain.origin}/admin`
      const response = await conform(plain, '/admin', await dpopHeaders('GET', url), {
        route: { ...route, authenticate: { requiredScopes: ['admin'] } },
      })
      expect(response.status).toBe(403)
      expect(challengeOf(response).error).toBe('insufficient_scope')
    })

    it('RFC 9728 §3: the protected resource metadata document is served from the guard configuration', async () => {
      const response = await sendRequest(`${plain.origin}/.well-known/oauth-protected-resource`)
      expect(response.status).toBe(200)
      expect(relevantHeaders(response.headers)).toEqual({
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
      })
      const document = JSON.parse(response.body) as Record<string, unknown>
      expect(document).toEqual(createResourceGuard(fixtures.guard).metadata())
      expect(document).toMatchObject({
        resource: RESOURCE,
        authorization_servers: [AUTHORIZATION_SERVER_ISSUER],
        dpop_bound_access_tokens_required: true,
      })
      expect(document.dpop_signing_alg_values_supported).toEqual(
        challengeOf(await sendRequest(`${plain.origin}/resource`)).algs?.split(' '),
      )
    })

    it('RFC 9449 §5: the mounted authorization server issues a DPoP token the guarded route accepts', async () => {
      const tokenUrl = `${AUTHORIZATION_SERVER_ISSUER}/token`
      const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`
      const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }
      const issued = await sendRequest(`${plain.origin}/token`, {
        method: 'POST',
        headers: { ...form, dpop: await fixtures.proof('POST', tokenUrl) },
        body: 'grant_type=client_credentials&scope=read',
      })
      expect(issued.status, issued.body).toBe(200)
      const body = JSON.parse(issued.body) as { access_token: string; token_type: string }
      expect(body.token_type).toBe('DPoP')
      expect(issued.headers['cache-control']).toBe('no-store')

      const url = `${plain.origin}/resource`
      const used = await conform(
        plain,
        '/resource',
        await dpopHeaders('GET', url, { token: body.access_token }),
      )
      expect(used.status).toBe(200)
      expect(JSON.parse(used.body)).toMatchObject({
        sub: CLIENT_ID,
        scheme: 'DPoP',
        thumbprint: fixtures.thumbprint,
      })

      const duplicated = await sendRequest(`${plain.origin}/token`, {
        method: 'POST',
        headers: { ...form, dpop: await fixtures.proof('POST', tokenUrl) },
        body: 'grant_type=client_credentials&grant_type=client_credentials',
      })
      expect(duplicated.status).toBe(400)
      expect(errorCode(duplicated)).toBe('invalid_request')

      const plainText = await sendRequest(`${plain.origin}/token`, {
        method: 'POST',
        headers: { ...form, 'content-type': 'text/plain', dpop: await fixtures.proof('POST', tokenUrl) },
        body: 'grant_type=client_credentials',
      })
      expect(plainText.status).toBe(400)
      expect(errorCode(plainText)).toBe('invalid_request')

      const metadata = await sendRequest(`${plain.origin}/.well-known/oauth-authorization-server`)
      expect(metadata.status).toBe(200)
      expect(JSON.parse(metadata.body)).toMatchObject({ issuer: AUTHORIZATION_SERVER_ISSUER })
    })

    it('RFC 6750 §3.1: with credentialsRequired false, no credentials reach the route anonymously, failing ones are refused', async () => {
      const url = `${plain.origin}/optional`
      const optional = { route: { ...route, authenticate: { credentialsRequired: false } } }
      const anonymous = await conform(plain, '/optional', { origin: ALLOWED_ORIGIN }, optional)
      expect(anonymous.status).toBe(200)
      expect(JSON.parse(anonymous.body)).toEqual({})
      expect(anonymous.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN)
      const authenticated = await conform(plain, '/optional', await dpopHeaders('GET', url), optional)
      expect(JSON.parse(authenticated.body)).toMatchObject({ sub: 'alice', scheme: 'DPoP' })
      const { authorization, dpop } = await dpopHeaders('GET', url, {
        proofUrl: `${plain.origin}/resource`,
      })
      for (const headers of [{ authorization, dpop }, { dpop }, { authorization: 'Basic dXNlcjpwYXNz' }]) {
        const refused = await conform(plain, '/optional', headers, optional)
        expect(refused.status).toBe(401)
        expect(refused.body).not.toContain('alice')
      }
      const query = await conform(plain, '/optional?access_token=leaked', {}, optional)
      expect(query.status).toBe(400)
    })

    it.skipIf(adapter.limits?.frameworkErrors)(
      "RFC 6750 §3: with errors: 'framework' the framework's default error handler answers with the status and challenge",
      async () => {
        const url = `${plain.origin}/delegated`
        const { authorization, dpop } = await dpopHeaders('GET', url, {
          proofUrl: `${plain.origin}/resource`,
        })
        for (const headers of [{ origin: ALLOWED_ORIGIN }, { origin: ALLOWED_ORIGIN, authorization, dpop }]) {
          const actual = await sendRequest(url, { headers })
          const expected = await referenceResponse(route, { method: 'GET', url, headers })
          const { 'content-type': _, ...expectedHeaders } = relevantHeaders(expected.headers)
          const { 'content-type': __, ...actualHeaders } = relevantHeaders(actual.headers)
          expect({ status: actual.status, headers: actualHeaders }).toEqual({
            status: expected.status,
            headers: expectedHeaders,
          })
          // The framework wrote its own body: the failure went through its error handling.
          expect(actual.body).not.toBe(expected.body)
          expect(actual.status).toBe(401)
          expect(actualHeaders['www-authenticate']).toMatch(/^DPoP /)
          expect(actualHeaders['access-control-expose-headers']).toBe('DPoP-Nonce, WWW-Authenticate')
        }
        const success = await conform(plain, '/delegated', await dpopHeaders('GET', url))
        expect(success.status).toBe(200)
      },
    )

    it('errors other than DPoPError go to the framework error handling, not to the DPoP renderer', async () => {
      const url = `${plain.origin}/nonce`
      const response = await sendRequest(url, {
        headers: { ...(await dpopHeaders('GET', url)), 'x-conformance-failure': '1' },
      })
      expect(response.status).toBe(500)
      expect(response.headers['www-authenticate']).toBeUndefined()
      expect(response.body).not.toContain('invalid_dpop_proof')
    })
  })
  // The clients people use, against the same adapter.
  runClientInteropSuite(adapter)
}
