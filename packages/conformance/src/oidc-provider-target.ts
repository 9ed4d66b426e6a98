// Test-only (not exported): node-oidc-provider with DPoP on a loopback listener, as a conformance target.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createDPoPHandle, createOAuthClient } from '@dpop/client'
import { generateKeyPair, SUPPORTED_ALGORITHMS } from '@dpop/core'
import Provider from 'oidc-provider'
import type { LoopbackTarget } from './test-support.js'
import type { ConformanceTarget } from './types.js'

const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const SECRET = 'service-secret-0123456789'

/** Plays the user at oidc-provider's development login and consent pages until it redirects back. */
async function signIn(authorizationUrl: string): Promise<string> {
  const cookies = new Map<string, string>()
  const send = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    headers.set('Cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const index = pair.indexOf('=')
      cookies.set(pair.slice(0, index), pair.slice(index + 1))
    }
    return response
  }
  let url = authorizationUrl
  for (let step = 0; step < 12; step++) {
    if (url.startsWith(REDIRECT_URI)) return url
    const response = await send(url)
    const location = response.headers.get('location')
    if (location !== null) {
      url = new URL(location, url).href
      continue
    }
    const page = await response.text()
    const prompt = /name="prompt" value="(login|consent)"/.exec(page)?.[1]
    if (prompt === undefined) throw new Error(`unexpected interaction page (HTTP ${response.status})`)
    const body = new URLSearchParams({ prompt, login: 'alice', password: 'any' })
    const submitted = await send(url, { method: 'POST', body })
    url = new URL(submitted.headers.get('location') ?? '', url).href
  }
  throw new Error('the sign-in did not finish')
}

/** oidc-provider 9 with DPoP (nonces required or not), its userinfo endpoint as the resource. */
export async function startOidcProviderTarget(options: { nonce: 'off' | 'always' }): Promise<LoopbackTarget> {
  let handler: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) =>
    response.writeHead(503).end()
  const server = createServer((request, response) => handler(request, response))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'service',
        client_secret: SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        dpop_bound_access_tokens: true,
      },
      {
        client_id: 'spa',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
      },
    ],
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: {
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => options.nonce === 'always' },
      clientCredentials: { enabled: true },
      devInteractions: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
    },
    // Every algorithm core has that oidc-provider knows (it has no Ed448), not only its ES256 / Ed25519 / EdDSA.
    enabledJWA: { dPoPSigningAlgValues: SUPPORTED_ALGORITHMS.filter((alg) => alg !== 'Ed448') },
    // Rotation also for sender-constrained refresh tokens, so that reuse detection can be observed.
    rotateRefreshToken: true,
    scopes: ['openid', 'offline_access'],
    pkce: { required: () => true },
    findAccount: async (_context, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  })
  handler = provider.callback()

  const authorization = {
    client: { clientId: 'spa' },
    redirectUri: REDIRECT_URI,
    scope: 'openid',
    authorize: signIn,
  }
  const target: ConformanceTarget = {
    issuer,
    client: { clientId: 'service', clientSecret: SECRET },
    resources: [{ url: `${issuer}/me`, tokens: 'user' }],
    authorization,
    async userTokens(keyPair) {
      const dpopKeyPair = keyPair ?? (await generateKeyPair('ES256'))
      const client = createOAuthClient(await createDPoPHandle({ keyPair: dpopKeyPair }), {
        issuer,
        clientId: 'spa',
        redirectUri: REDIRECT_URI,
      })
      const request = await client.buildAuthorizationUrl({
        scope: 'openid offline_access',
        parameters: { prompt: 'consent' },
      })
      const tokens = await client.exchangeAuthorizationCode(new URL(await signIn(request.url.href)), request)
      return {
        accessToken: tokens.accessToken,
        ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
        dpopKeyPair,
        client: { clientId: 'spa' },
      }
    },
  }
  return {
    target,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
