import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPair } from '@dpop/core'
import { decodeProtectedHeader } from 'jose'
import Provider from 'oidc-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDPoPHandle } from './create-dpop-handle.js'
import { createOAuthClient } from './create-oauth-client.js'
import { createTokenManager } from './create-token-manager.js'
import { isOAuthError } from './oauth-error.js'

// Interoperability with a third-party authorization server: panva's oidc-provider, DPoP with nonces.
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
let server: Server
let issuer = ''

beforeAll(async () => {
  let handler: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) =>
    response.writeHead(503).end()
  server = createServer((request, response) => handler(request, response))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'service',
        client_secret: 'service-secret with spaces',
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
        dpop_bound_access_tokens: true,
      },
    ],
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: {
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      clientCredentials: { enabled: true },
      devInteractions: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true, allowedPolicy: async () => true },
    },
    ttl: {
      AccessToken: 600,
      ClientCredentials: 600,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      RefreshToken: 600,
      Session: 600,
    },
    scopes: ['openid', 'offline_access', 'api:read'],
    pkce: { required: () => true },
    findAccount: async (_context, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  })
  handler = provider.callback()
})

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
})

/** Plays the user at oidc-provider's development login and consent pages until it redirects back. */
async function signIn(authorizationUrl: URL): Promise<URL> {
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
  let url = authorizationUrl.href
  for (let step = 0; step < 12; step++) {
    if (url.startsWith(REDIRECT_URI)) return new URL(url)
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

describe('interop: oidc-provider with DPoP', () => {
  it('client credentials (client_secret_basic): a DPoP-bound token whose cnf.jkt is our key', async () => {
    const handle = await createDPoPHandle()
    const client = createOAuthClient(handle, {
      issuer,
      clientId: 'service',
      clientSecret: 'service-secret with spaces',
    })
    expect((await client.metadata()).dpop_signing_alg_values_supported).toContain('ES256')
    const tokens = await client.clientCredentials({ scope: 'api:read' })
    expect(tokens.tokenType).toBe('DPoP')
    expect(handle.nonceFor(issuer)).toBeDefined()

    // Introspection (a protected endpoint of the server) shows the binding to our key.
    const introspection = await fetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa('service:service-secret+with+spaces')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: tokens.accessToken }),
    })
    expect(await introspection.json()).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: handle.thumbprint },
    })
  })

  it("RFC 9864: createDPoPHandle({ alg: 'Ed25519' }) signs Ed25519 proofs oidc-provider accepts and binds", async () => {
    const handle = await createDPoPHandle({ alg: 'Ed25519' })
    const proofs: string[] = []
    const client = createOAuthClient(handle, {
      issuer,
      clientId: 'service',
      clientSecret: 'service-secret with spaces',
      fetch: (input, init) => {
        const proof = new Headers(init?.headers).get('dpop')
        if (proof !== null) proofs.push(proof)
        return fetch(input, init)
      },
    })
    const tokens = await client.clientCredentials({ scope: 'api:read' })
    expect(tokens.tokenType).toBe('DPoP')
    expect(proofs.length).toBeGreaterThan(0)
    for (const proof of proofs) expect(decodeProtectedHeader(proof).alg).toBe('Ed25519')
    const introspection = await fetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa('service:service-secret+with+spaces')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: tokens.accessToken }),
    })
    expect(await introspection.json()).toMatchObject({ active: true, cnf: { jkt: handle.thumbprint } })
  })

  it('RFC 9449 §5.1: an Ed25519 key given without alg signs what the metadata lists, Ed25519 first', async () => {
    const handle = await createDPoPHandle({ keyPair: await generateKeyPair('Ed25519') })
    const client = createOAuthClient(handle, {
      issuer,
      clientId: 'service',
      clientSecret: 'service-secret with spaces',
    })
    const listed = (await client.metadata()).dpop_signing_alg_values_supported ?? []
    expect((await client.clientCredentials({ scope: 'api:read' })).tokenType).toBe('DPoP')
    expect(listed).toEqual(expect.arrayContaining(['Ed25519', 'EdDSA']))
    expect(handle.algorithmFor(issuer)).toBe('Ed25519')
  })

  it('authorization code + PKCE + dpop_jkt, userinfo with the DPoP-bound token, refresh, revoke', async () => {
    const handle = await createDPoPHandle()
    const client = createOAuthClient(handle, { issuer, clientId: 'spa', redirectUri: REDIRECT_URI })
    const request = await client.buildAuthorizationUrl({
      scope: 'openid offline_access',
      parameters: { prompt: 'consent' },
    })
    const callback = await signIn(request.url)
    expect(callback.searchParams.get('iss')).toBe(issuer)
    const tokens = await client.exchangeAuthorizationCode(callback, request)
    expect(tokens).toMatchObject({
      tokenType: 'DPoP',
      refreshToken: expect.any(String),
      idToken: expect.any(String),
    })

    const manager = createTokenManager(client, { tokens })
    const userinfo = await manager.fetch(`${issuer}/me`)
    expect(userinfo.status).toBe(200)
    expect(await userinfo.json()).toEqual({ sub: 'alice' })

    // A public client's refresh token is bound to the key (RFC 9449 §5): refreshing proves possession again.
    const renewed = await manager.renew()
    expect(renewed.accessToken).not.toBe(tokens.accessToken)
    expect((await manager.fetch(`${issuer}/me`)).status).toBe(200)

    // Another key cannot use the refresh token.
    const thief = createOAuthClient(await createDPoPHandle(), { issuer, clientId: 'spa' })
    const stolen = await thief.refresh(renewed.refreshToken ?? '').catch((error: unknown) => error)
    expect(isOAuthError(stolen) && stolen.error).toBe('invalid_grant')

    // oidc-provider revokes the whole grant with the access token: the resource answers invalid_token, the
    // manager tries to renew, and the refresh token is gone too, so the caller learns the session ended.
    await client.revoke(renewed.accessToken, { tokenTypeHint: 'access_token' })
    const revoked = await client.fetch(`${issuer}/me`, {
      headers: { Authorization: `DPoP ${renewed.accessToken}` },
    })
    expect(revoked.status).toBe(401)
    expect(revoked.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/)
    await expect(manager.fetch(`${issuer}/me`)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('RFC 9126 PAR with a DPoP header, then the code', async () => {
    const handle = await createDPoPHandle({ alg: 'EdDSA' })
    const client = createOAuthClient(handle, { issuer, clientId: 'spa', redirectUri: REDIRECT_URI })
    const request = await client.pushAuthorizationRequest({ scope: 'openid' })
    expect(request.url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    const tokens = await client.exchangeAuthorizationCode(await signIn(request.url), request)
    expect(tokens.tokenType).toBe('DPoP')
    const manager = createTokenManager(client, { tokens })
    expect((await manager.fetch(`${issuer}/me`)).status).toBe(200)
  })
})
