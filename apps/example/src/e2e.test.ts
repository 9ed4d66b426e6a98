import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createDPoPFetch, createDPoPHandle, createOAuthClient } from '@dpop/client'
import { SUPPORTED_ALGORITHMS } from '@dpop/core'
import { startRedis } from '@dpop/redis/testing'
import Redis from 'ioredis'
import { decodeJwt } from 'jose'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireProgram } from '../../../test-prerequisites.js'
import { DEMO_USER } from './authorization-server.js'
import { createSystem, type DemoSystem } from './create-system.js'
import { API_SCOPE, DEMO_SERVICE, DEMO_WEB } from './demo-clients.js'
import type { ResourceFramework } from './resource-servers.js'
import { runDemo } from './run-demo.js'

const run = promisify(execFile)
const FRAMEWORKS: readonly ResourceFramework[] = ['express', 'koa', 'fastify']
const EXAMPLE_DIRECTORY = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(dirname(createRequire(import.meta.url).resolve('@dpop/cli/package.json')), 'dist', 'cli.js')

let system: DemoSystem
let context: BrowserContext
let workDirectory = ''

beforeAll(async () => {
  requireProgram('/usr/bin/chromium')
  requireProgram('curl')
  workDirectory = await mkdtemp(join(tmpdir(), 'dpop-example-'))
  context = await chromium.launchPersistentContext(join(workDirectory, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
})

afterAll(async () => {
  await context?.close()
  if (workDirectory !== '') await rm(workDirectory, { recursive: true, force: true })
})

/** Signs in as alice and allows access, on the login page the browser is on. */
async function logInAndConsent(page: Page): Promise<void> {
  await page.fill('input[name=username]', DEMO_USER.username)
  await page.fill('input[name=password]', DEMO_USER.password)
  await page.click('button[type=submit]')
  await page.click('button[value=allow]')
}

function jktOf(accessToken: string): unknown {
  return (decodeJwt(accessToken)['cnf'] as { jkt?: unknown } | undefined)?.jkt
}

// Both settings of DPOP_NONCE: off, and nonces required by the authorization server and by each resource.
describe.each(['off', 'always'] as const)('the example system, DPOP_NONCE=%s', (nonce) => {
  beforeAll(async () => {
    const ports = { authorizationServer: 0, express: 0, koa: 0, fastify: 0, spa: 0 }
    system = await createSystem({ ports, nonce })
  })
  afterAll(() => system?.close())

  it.runIf(nonce === 'always')(
    'RFC 9449 §8, §9: each server requires its own nonce, refusing the others’',
    async () => {
      const handle = await createDPoPHandle()
      const tokenUrl = `${system.urls.issuer}/token`
      const basic = `Basic ${btoa(`${DEMO_SERVICE.clientId}:${DEMO_SERVICE.clientSecret}`)}`
      const requestToken = async (withNonce?: string) =>
        fetch(tokenUrl, {
          method: 'POST',
          headers: {
            authorization: basic,
            'content-type': 'application/x-www-form-urlencoded',
            dpop: await handle.createProof({
              method: 'POST',
              url: tokenUrl,
              ...(withNonce === undefined ? {} : { nonce: withNonce }),
            }),
          },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: API_SCOPE }).toString(),
        })
      const challenged = await requestToken()
      expect(challenged.status).toBe(400)
      expect(((await challenged.json()) as { error?: string }).error).toBe('use_dpop_nonce')
      const asNonce = challenged.headers.get('dpop-nonce') ?? ''
      const issued = await requestToken(asNonce)
      expect(issued.status).toBe(200)
      const { access_token: accessToken } = (await issued.json()) as { access_token: string }
      const resourceNonces = new Set<string>()
      for (const framework of FRAMEWORKS) {
        const url = system.urls.resources[framework]
        for (const withNonce of [undefined, asNonce]) {
          const response = await fetch(url, {
            headers: {
              authorization: `DPoP ${accessToken}`,
              dpop: await handle.createProof({
                method: 'GET',
                url,
                accessToken,
                ...(withNonce === undefined ? {} : { nonce: withNonce }),
              }),
            },
          })
          expect(response.status, framework).toBe(401)
          expect(response.headers.get('www-authenticate'), framework).toContain('error="use_dpop_nonce"')
          resourceNonces.add(response.headers.get('dpop-nonce') ?? '')
          await response.body?.cancel()
        }
      }
      // Each resource server hands out nonces of its own (its own secret, bound to the server).
      expect(resourceNonces.size).toBe(FRAMEWORKS.length)
      expect(resourceNonces.has(asNonce)).toBe(false)
      const refused = await requestToken([...resourceNonces][0])
      expect(refused.status).toBe(400)
      expect(((await refused.json()) as { error?: string }).error).toBe('use_dpop_nonce')
    },
  )

  it('publishes RFC 8414 metadata with every endpoint under the actual issuer', async () => {
    const metadata = (await (await fetch(system.urls.metadata)).json()) as Record<string, unknown>
    expect(metadata['issuer']).toBe(system.urls.issuer)
    for (const endpoint of [
      'authorization_endpoint',
      'token_endpoint',
      'pushed_authorization_request_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
      'jwks_uri',
    ]) {
      expect(String(metadata[endpoint])).toMatch(new RegExp(`^${system.urls.issuer}/`))
    }
    expect(metadata['dpop_signing_alg_values_supported']).toContain('ES256')
  })

  it('client credentials via @dpop/client: the DPoP-bound token works at all three resources', async () => {
    const handle = await createDPoPHandle()
    const client = createOAuthClient(handle, { issuer: system.urls.issuer, ...DEMO_SERVICE })
    const tokens = await client.clientCredentials({ scope: API_SCOPE })
    expect(tokens.tokenType).toBe('DPoP')
    expect(jktOf(tokens.accessToken)).toBe(handle.thumbprint)
    const dpopFetch = createDPoPFetch(handle)
    for (const framework of FRAMEWORKS) {
      const response = await dpopFetch(system.urls.resources[framework], {
        headers: { Authorization: `DPoP ${tokens.accessToken}` },
      })
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({
        server: framework,
        sub: DEMO_SERVICE.clientId,
        client_id: DEMO_SERVICE.clientId,
        scope: API_SCOPE,
        jkt: handle.thumbprint,
      })
    }
  })

  it('every algorithm dpop keygen offers is advertised and accepted by the AS and all three resources', async () => {
    const metadata = (await (await fetch(system.urls.metadata)).json()) as Record<string, unknown>
    expect(metadata['dpop_signing_alg_values_supported']).toEqual([...SUPPORTED_ALGORITHMS])
    for (const alg of SUPPORTED_ALGORITHMS) {
      const handle = await createDPoPHandle({ alg })
      const client = createOAuthClient(handle, { issuer: system.urls.issuer, ...DEMO_SERVICE })
      const tokens = await client.clientCredentials({ scope: API_SCOPE })
      expect(jktOf(tokens.accessToken)).toBe(handle.thumbprint)
      const dpopFetch = createDPoPFetch(handle)
      for (const framework of FRAMEWORKS) {
        const response = await dpopFetch(system.urls.resources[framework], {
          headers: { Authorization: `DPoP ${tokens.accessToken}` },
        })
        expect(response.status, `${alg} at ${framework}`).toBe(200)
        await response.body?.cancel()
      }
    }
  })

  it('the demo walk-through: every step behaves as expected', async () => {
    const steps = await runDemo({
      issuer: system.urls.issuer,
      resources: FRAMEWORKS.map((name) => ({ name, url: system.urls.resources[name] })),
    })
    expect(steps.map((step) => [step.title, step.problem])).toEqual(
      steps.map((step) => [step.title, undefined]),
    )
    expect(steps.length).toBe(9)
    // The attacks were really sent and refused, not skipped.
    expect(steps.flatMap((step) => step.exchanges.map((exchange) => exchange.status))).toContain(401)
  })

  it('the walk-through reports a resource that does not check DPoP as failed steps', async () => {
    // The JWKS answers anything with 200: the replay and stolen-token steps must then fail.
    const steps = await runDemo({
      issuer: system.urls.issuer,
      resources: [{ name: 'unprotected', url: `${system.urls.issuer}/jwks` }],
    })
    expect(steps.filter((step) => !step.ok).map((step) => step.title)).toEqual([
      'GET unprotected with the token and a fresh proof',
      'Replay: the same proof sent twice to unprotected',
      "Stolen token: an attacker's own key signs the proof, at unprotected",
      'The bound token sent as Bearer (no proof) to unprotected',
    ])
  })

  it('the resume URL of a sign-in cannot be completed by another browser, and a wrong password is refused', async () => {
    const handle = await createDPoPHandle()
    const client = createOAuthClient(handle, { issuer: system.urls.issuer, ...DEMO_WEB })
    const { url } = await client.buildAuthorizationUrl({ redirectUri: system.urls.webCallback })
    const first = await fetch(url)
    const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? ''
    const page = await first.text()
    const resumeUrl = page.match(/action="([^"]+)"/)?.[1]?.replaceAll('&amp;', '&') ?? ''
    const csrf = page.match(/name="csrf" value="([^"]+)"/)?.[1] ?? ''
    expect(cookie).toMatch(/^dpop_interaction_/)
    const login = new URLSearchParams({
      csrf,
      step: 'login',
      username: 'alice',
      password: DEMO_USER.password,
    })
    const post = (headers: Record<string, string>, body: URLSearchParams) =>
      fetch(resumeUrl, { method: 'POST', headers, body, redirect: 'manual' })
    // Another browser: the URL and even the CSRF token, but not the cookie.
    expect((await post({}, login)).status).toBe(403)
    const wrong = new URLSearchParams({ csrf, step: 'login', username: 'alice', password: 'alice-passwore' })
    expect((await post({ cookie }, wrong)).status).toBe(401)
    const forged = new URLSearchParams({
      csrf: 'x',
      step: 'login',
      username: 'alice',
      password: DEMO_USER.password,
    })
    expect((await post({ cookie }, forged)).status).toBe(403)
    const consent = await post({ cookie }, login)
    expect(consent.status).toBe(200)
    expect(await consent.text()).toContain('Allow access?')
  })

  it('demo-web: authorization code with PAR completed by Chromium (login as alice, consent), code exchanged with DPoP', async () => {
    const handle = await createDPoPHandle()
    const client = createOAuthClient(handle, {
      issuer: system.urls.issuer,
      ...DEMO_WEB,
      clientAuthentication: 'client_secret_post',
      redirectUri: system.urls.webCallback,
    })
    // PAR (RFC 9126) with a DPoP proof: the code is bound to the key (RFC 9449 §10.1).
    const request = await client.pushAuthorizationRequest({ scope: `${API_SCOPE} profile` })
    expect(request.url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    const page = await context.newPage()
    try {
      await page.goto(request.url.href)
      await logInAndConsent(page)
      await page.waitForURL((url) => url.href.startsWith(system.urls.webCallback))
      expect(await page.textContent('#code')).toBe(new URL(page.url()).searchParams.get('code'))
      const tokens = await client.exchangeAuthorizationCode(page.url(), request)
      expect(jktOf(tokens.accessToken)).toBe(handle.thumbprint)
      expect(tokens.refreshToken).toBeDefined()
      const response = await client.fetch(system.urls.resources.koa, {
        headers: { Authorization: `DPoP ${tokens.accessToken}` },
      })
      expect(await response.json()).toMatchObject({
        sub: 'alice',
        client_id: DEMO_WEB.clientId,
        jkt: handle.thumbprint,
      })
      const refreshed = await client.refresh(tokens.refreshToken ?? '')
      expect(jktOf(refreshed.accessToken)).toBe(handle.thumbprint)
    } finally {
      await page.close()
    }
  })

  it('the SPA says in a sentence that Deny gave it no token, and both servers serve a favicon', async () => {
    const page = await context.newPage()
    try {
      await page.goto(system.urls.spa)
      await page.click('#sign-in')
      await page.fill('input[name=username]', DEMO_USER.username)
      await page.fill('input[name=password]', DEMO_USER.password)
      await page.click('button[type=submit]')
      await page.click('button[value=deny]')
      await page.waitForSelector('#error')
      expect(await page.textContent('#error')).toContain('You chose Deny on the consent page')
      expect(await page.isDisabled('#sign-in')).toBe(false)
      for (const origin of [system.urls.spa, system.urls.issuer]) {
        const favicon = await fetch(new URL('/favicon.svg', origin))
        expect(favicon.headers.get('content-type')).toBe('image/svg+xml')
        expect(await favicon.text()).toMatch(/^<svg /)
      }
    } finally {
      await page.close()
    }
  })

  it('the SPA signs in, calls the three resources, and after a reload calls them again with the same key', async () => {
    const page = await context.newPage()
    const callAll = async () => {
      await page.click('#call-apis')
      for (const framework of FRAMEWORKS) {
        await page.waitForSelector(`#result-${framework}[data-status="200"]`)
      }
      return Promise.all(
        FRAMEWORKS.map(async (framework) =>
          JSON.parse((await page.textContent(`#result-${framework} pre.body`)) ?? 'null'),
        ),
      )
    }
    try {
      await page.goto(system.urls.spa)
      const thumbprint = await page.textContent('#thumbprint')
      expect(thumbprint).toMatch(/^[\w-]{43}$/)
      expect(await page.textContent('#extractable')).toBe('false')
      await page.click('#sign-in')
      await logInAndConsent(page)
      await page.waitForSelector('#token-jkt')
      expect(new URL(page.url()).pathname).toBe('/')
      expect(await page.textContent('#token-jkt')).toBe(thumbprint)
      expect(await page.isDisabled('#sign-in')).toBe(true)
      // The token request's nonce round trip is labelled as the expected challenge.
      expect(await page.locator('details.exchange .challenge').count()).toBeGreaterThan(0)
      for (const body of await callAll())
        expect(body).toMatchObject({ sub: 'alice', client_id: 'demo-spa', jkt: thumbprint })
      // The proofs the page sent are shown decoded.
      expect(await page.locator('details.exchange pre.proof').count()).toBeGreaterThan(3)

      await page.reload()
      await page.waitForSelector('#token-jkt')
      expect(await page.textContent('#thumbprint')).toBe(thumbprint)
      for (const body of await callAll()) expect(body).toMatchObject({ sub: 'alice', jkt: thumbprint })

      await page.click('#refresh')
      await page.waitForSelector('#refresh-count:text("1")')
      expect(await page.textContent('#token-jkt')).toBe(thumbprint)
      for (const body of await callAll()) expect(body).toMatchObject({ jkt: thumbprint })

      // Sign out revokes the refresh token (RFC 7009) from the browser, through CORS.
      await page.click('#sign-out')
      await page.waitForSelector('#signed-out')
      expect(await page.locator('#error').count()).toBe(0)
      expect(await page.textContent('details.exchange summary')).toMatch(/revoke → 200/)
    } finally {
      await page.close()
    }
  })

  it('the dpop CLI: token with client credentials, then fetch from each resource', async () => {
    const key = join(workDirectory, `cli-key-${nonce}.jwk`)
    await run(process.execPath, [CLI, 'keygen', '--out', key])
    const { stdout } = await run(process.execPath, [
      CLI,
      'token',
      '--issuer',
      system.urls.issuer,
      '--client-id',
      DEMO_SERVICE.clientId,
      '--client-secret',
      DEMO_SERVICE.clientSecret,
      '--scope',
      API_SCOPE,
      '--key',
      key,
      '--json',
    ])
    const accessToken = String((JSON.parse(stdout) as Record<string, unknown>)['access_token'])
    const { stdout: thumbprint } = await run(process.execPath, [CLI, 'thumbprint', key])
    expect(jktOf(accessToken)).toBe(thumbprint.trim())
    for (const framework of FRAMEWORKS) {
      const result = await run(process.execPath, [
        CLI,
        'fetch',
        system.urls.resources[framework],
        '--key',
        key,
        '--token',
        accessToken,
      ])
      expect(result.stdout).toContain('200')
      expect(result.stdout).toContain(`"server":"${framework}"`)
    }
  })

  it('dpop conformance: the hostile-proof suite finds no failure at the authorization server and each resource', async () => {
    for (const framework of FRAMEWORKS) {
      const { stdout } = await run(process.execPath, [
        CLI,
        'conformance',
        '--issuer',
        system.urls.issuer,
        '--client-id',
        DEMO_SERVICE.clientId,
        '--client-secret',
        DEMO_SERVICE.clientSecret,
        '--scope',
        API_SCOPE,
        '--resource',
        system.urls.resources[framework],
        '--origin',
        new URL(system.urls.spa).origin,
        '--json',
      ])
      const { results, summary } = JSON.parse(stdout) as {
        results: Array<{ id: string; outcome: string }>
        summary: { passed: number; failed: number }
      }
      expect(results.filter((result) => result.outcome === 'fail' || result.outcome === 'warn')).toEqual([])
      expect(summary.passed).toBeGreaterThan(50)
    }
  })

  // The README's curl walk-through is written for the default: its hand-made proofs carry no nonce.
  it.runIf(nonce === 'off')(
    "the README's curl lines, executed as written (ports replaced by the test's)",
    async () => {
      const readme = await readFile(join(EXAMPLE_DIRECTORY, 'README.md'), 'utf8')
      const block = readme.match(/<!-- e2e: curl -->\s*```sh\n([\s\S]*?)```/)?.[1]
      expect(block).toBeDefined()
      const ports: Record<string, string> = {
        '4000': new URL(system.urls.issuer).port,
        '4001': new URL(system.urls.resources.express).port,
        '4002': new URL(system.urls.resources.koa).port,
        '4003': new URL(system.urls.resources.fastify).port,
      }
      const script = (block ?? '').replace(
        /localhost:(400[0-3])\b/g,
        (_match, port: string) => `localhost:${ports[port]}`,
      )
      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: workDirectory,
        env: {
          ...process.env,
          // A shell set up by the environment (BASH_ENV sourcing a bashrc under `set -u`) is not the README's.
          BASH_ENV: '',
          PATH: `${join(EXAMPLE_DIRECTORY, 'node_modules', '.bin')}:${process.env['PATH']}`,
        },
      })
      for (const framework of FRAMEWORKS) expect(stdout).toContain(`"server":"${framework}"`)
      expect(stdout).toContain('"sub":"demo-service"')
    },
  )
})

describe('the example system with REDIS_URL', () => {
  it('keeps the server state and proof reservations in Redis, and the walk-through passes', async () => {
    const redis = await startRedis()
    const redisSystem = await createSystem({
      ports: { authorizationServer: 0, express: 0, koa: 0, fastify: 0, spa: 0 },
      redisUrl: redis.url,
    })
    const inspector = new Redis(redis.url)
    try {
      expect(redisSystem.state).toBe('redis')
      const steps = await runDemo({
        issuer: redisSystem.urls.issuer,
        resources: FRAMEWORKS.map((name) => ({ name, url: redisSystem.urls.resources[name] })),
      })
      expect(steps.filter((step) => !step.ok)).toEqual([])
      const keys = await inspector.keys('dpop-example:*')
      // The jti of every proof accepted: token request, three calls, the replayed proof's first use.
      expect(keys.filter((key) => key.includes('jti')).length).toBeGreaterThanOrEqual(5)
    } finally {
      inspector.disconnect()
      await redisSystem.close()
      await redis.stop()
    }
  })
})

describe('the SPA with short-lived access tokens', () => {
  it('renews the token by itself through the token manager, bound to the same key', async () => {
    // 6 s tokens: the app renews 1.2 s before expiry, with no click.
    const shortSystem = await createSystem({
      ports: { authorizationServer: 0, express: 0, koa: 0, fastify: 0, spa: 0 },
      accessTokenLifetime: 6,
    })
    const page = await context.newPage()
    try {
      await page.goto(shortSystem.urls.spa)
      const thumbprint = await page.textContent('#thumbprint')
      await page.click('#sign-in')
      await logInAndConsent(page)
      await page.waitForSelector('#token-jkt')
      const firstToken = await page.textContent('#token-claims')
      await page.waitForSelector('#refresh-last:has-text("automatic")', { timeout: 20_000 })
      expect(await page.textContent('#token-claims')).not.toBe(firstToken)
      expect(await page.textContent('#token-jkt')).toBe(thumbprint)
      await page.click('#call-apis')
      await page.waitForSelector('#result-express[data-status="200"]')
    } finally {
      await page.close()
      await shortSystem.close()
    }
  })
})
