import { afterEach, describe, expect, it } from 'vitest'
import {
  type OAuthTestServer,
  type OAuthTestServerOptions,
  startOAuthTestServer,
} from '../test/oauth-test-server.js'
import { createDPoPHandle } from './create-dpop-handle.js'
import { createOAuthClient, type OAuthClientOptions } from './create-oauth-client.js'
import { isOAuthError, type OAuthError } from './oauth-error.js'
import { codeChallengeOf } from './pkce.js'

const servers: OAuthTestServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function setUp(
  serverOptions: OAuthTestServerOptions = {},
  clientOptions: Partial<OAuthClientOptions> = {},
) {
  const server = await startOAuthTestServer(serverOptions)
  servers.push(server)
  const handle = await createDPoPHandle()
  const client = createOAuthClient(handle, {
    issuer: server.url,
    clientId: 'app',
    redirectUri: 'http://127.0.0.1/callback',
    ...clientOptions,
  })
  return { server, handle, client }
}

async function rejection(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!isOAuthError(error)) throw new Error(`expected an OAuthError, got ${String(error)}`)
  return error
}

describe('RFC 8414 discovery', () => {
  it('§3: fetches metadata once and caches it', async () => {
    const { server, client } = await setUp()
    const first = await client.metadata()
    expect(first.token_endpoint).toBe(`${server.url}/token`)
    await client.metadata()
    await client.clientCredentials()
    expect(server.requests.filter((request) => request.url.includes('/.well-known/'))).toHaveLength(1)
  })

  it('§3.3: rejects metadata whose issuer differs', async () => {
    const { client } = await setUp({ metadata: { issuer: 'https://attacker.example' } })
    expect((await rejection(client.metadata())).error).toBe('invalid_metadata')
  })

  it('falls back to OpenID Connect discovery', async () => {
    const { server, client } = await setUp({ discovery: 'openid' })
    expect((await client.metadata()).issuer).toBe(server.url)
  })

  it('§3.1: inserts the well-known segment before the issuer path', async () => {
    const seen: string[] = []
    const handle = await createDPoPHandle()
    const client = createOAuthClient(handle, {
      issuer: 'https://as.example/tenant',
      clientId: 'app',
      fetch: async (input) => {
        seen.push(String(input))
        return new Response(null, { status: 404 })
      },
    })
    expect((await rejection(client.metadata())).error).toBe('invalid_metadata')
    expect(seen).toEqual([
      'https://as.example/.well-known/oauth-authorization-server/tenant',
      'https://as.example/tenant/.well-known/openid-configuration',
    ])
  })
})

describe('RFC 6749 §4.4 client credentials with RFC 9449 §5 DPoP', () => {
  it('client_secret_basic form-urlencodes id and secret (RFC 6749 §2.3.1); nonce retry included', async () => {
    const { server, client, handle } = await setUp(
      { requireNonce: true },
      { clientId: 'my client:1', clientSecret: 'sé cret+/%' },
    )
    const tokens = await client.clientCredentials({ scope: 'read write', resource: 'https://api.example/' })
    expect(tokens).toMatchObject({
      accessToken: expect.stringMatching(/^at-/),
      tokenType: 'DPoP',
      scope: 'read write',
    })
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 3_500_000)
    // The nonce challenge is answered before the token handler runs: it sees one request.
    expect(server.tokenRequests).toHaveLength(1)
    const last = server.requests.at(-1)
    expect(last?.failure).toBeUndefined()
    expect(server.requests.filter((request) => request.failure === 'nonce_missing')).toHaveLength(1)
    expect(last?.proof?.thumbprint).toBe(handle.thumbprint)
    const basic = Buffer.from((last?.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()
    expect(basic).toBe('my+client%3A1:s%C3%A9+cret%2B%2F%25')
    expect(server.tokenRequests[0]?.form.get('resource')).toBe('https://api.example/')
    expect(server.tokenRequests[0]?.form.get('client_secret')).toBeNull()
  })

  it('client_secret_post and none put the client in the body', async () => {
    const { server, client } = await setUp(
      {},
      { clientSecret: 'secret', clientAuthentication: 'client_secret_post' },
    )
    await client.clientCredentials()
    expect(server.tokenRequests[0]?.form.get('client_id')).toBe('app')
    expect(server.tokenRequests[0]?.form.get('client_secret')).toBe('secret')
    expect(server.tokenRequests[0]?.request.headers.authorization).toBeUndefined()

    const { server: other, client: publicClient } = await setUp()
    await publicClient.clientCredentials()
    expect(other.tokenRequests[0]?.form.get('client_id')).toBe('app')
    expect(other.tokenRequests[0]?.form.has('client_secret')).toBe(false)
  })

  it('RFC 6749 §5.1: token_type is compared case-insensitively', async () => {
    const { client } = await setUp({ tokenType: 'dPoP' })
    expect((await client.clientCredentials()).tokenType).toBe('dPoP')
  })

  it('RFC 9449 §5: a Bearer answer to a DPoP request is an error unless allowed', async () => {
    const { client } = await setUp({ tokenType: 'Bearer' })
    expect((await rejection(client.clientCredentials())).error).toBe('unexpected_token_type')
    const { client: lenient } = await setUp({ tokenType: 'bearer' }, { allowBearer: true })
    expect((await lenient.clientCredentials()).tokenType).toBe('bearer')
  })

  it('RFC 9449 §5.1: refuses to sign with an algorithm the server does not list', async () => {
    const { server, client } = await setUp({
      metadata: { dpop_signing_alg_values_supported: ['RS256', 'PS256'] },
    })
    expect((await rejection(client.clientCredentials())).error).toBe('unsupported_dpop_algorithm')
    expect(server.requests.filter((request) => request.url.endsWith('/token'))).toHaveLength(0)
  })

  it('RFC 6749 §5.2: error responses become OAuthError with error, description and status', async () => {
    const { client } = await setUp({}, { clientSecret: 's' })
    const error = await rejection(client.refresh('rt', { parameters: { grant_type: 'urn:unknown' } }))
    expect(error).toMatchObject({
      error: 'unsupported_grant_type',
      errorDescription: 'no such grant',
      status: 400,
    })
  })
})

describe('RFC 6749 §4.1 authorization code with PKCE and RFC 9449 §10 dpop_jkt', () => {
  it('builds the URL with S256, state and dpop_jkt, and redeems the code', async () => {
    const { server, client, handle } = await setUp()
    const request = await client.buildAuthorizationUrl({ scope: 'openid' })
    const parameters = request.url.searchParams
    expect(request.url.origin + request.url.pathname).toBe(`${server.url}/authorize`)
    expect(parameters.get('code_challenge')).toBe(await codeChallengeOf(request.codeVerifier))
    expect(parameters.get('code_challenge_method')).toBe('S256')
    expect(parameters.get('dpop_jkt')).toBe(handle.thumbprint)
    expect(parameters.get('state')).toBe(request.state)
    expect(request.state).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(request.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const callback = await server.authorize(request.url)
    const tokens = await client.exchangeAuthorizationCode(callback, request)
    expect(tokens.tokenType).toBe('DPoP')
    expect(server.tokenRequests[0]?.form.get('code_verifier')).toBe(request.codeVerifier)
    expect(server.tokenRequests[0]?.form.get('redirect_uri')).toBe('http://127.0.0.1/callback')
  })

  it('RFC 9126: pushes the request with a DPoP proof and returns the short URL', async () => {
    const { server, client, handle } = await setUp()
    const request = await client.pushAuthorizationRequest({ scope: 'openid' })
    expect([...request.url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
    const par = server.requests.find((received) => received.url.endsWith('/par'))
    expect(par?.proof?.thumbprint).toBe(handle.thumbprint)
    const tokens = await client.exchangeAuthorizationCode(await server.authorize(request.url), request)
    expect(tokens.accessToken).toMatch(/^at-/)
  })

  it('RFC 6749 §10.12: rejects a callback whose state differs or is missing', async () => {
    const { server, client } = await setUp()
    const request = await client.buildAuthorizationUrl()
    const callback = await server.authorize(request.url)
    expect(
      (await rejection(client.exchangeAuthorizationCode(callback, { ...request, state: 'other' }))).error,
    ).toBe('state_mismatch')
    callback.searchParams.delete('state')
    expect((await rejection(client.exchangeAuthorizationCode(callback, request))).error).toBe(
      'state_mismatch',
    )
    expect(server.tokenRequests).toHaveLength(0)
  })

  it('RFC 9207: rejects another iss, and a missing iss when the server advertises it', async () => {
    const { server, client } = await setUp()
    const request = await client.buildAuthorizationUrl()
    const callback = await server.authorize(request.url)
    callback.searchParams.set('iss', 'https://attacker.example')
    expect((await rejection(client.exchangeAuthorizationCode(callback, request))).error).toBe(
      'issuer_mismatch',
    )
    callback.searchParams.delete('iss')
    expect((await rejection(client.exchangeAuthorizationCode(callback, request))).error).toBe(
      'issuer_mismatch',
    )
    expect(server.tokenRequests).toHaveLength(0)
  })

  it('accepts a missing iss when the server does not advertise it', async () => {
    const { server, client } = await setUp({ sendIss: false })
    const request = await client.buildAuthorizationUrl()
    const tokens = await client.exchangeAuthorizationCode(await server.authorize(request.url), request)
    expect(tokens.accessToken).toMatch(/^at-/)
  })

  it('RFC 6749 §4.1.2.1: an error response becomes OAuthError', async () => {
    const { server, client } = await setUp()
    const request = await client.buildAuthorizationUrl()
    const callback = new URLSearchParams({
      error: 'access_denied',
      error_description: 'the user said no',
      state: request.state,
      iss: server.url,
    })
    const error = await rejection(client.exchangeAuthorizationCode(callback, request))
    expect(error).toMatchObject({
      error: 'access_denied',
      errorDescription: 'the user said no',
      status: undefined,
    })
  })

  it('RFC 6749 §6 refresh and RFC 7009 revocation', async () => {
    const { server, client } = await setUp()
    const refreshed = await client.refresh('rt-0', { scope: 'narrower' })
    expect(refreshed).toMatchObject({ scope: 'narrower', refreshToken: expect.stringMatching(/^rt-/) })
    expect(server.tokenRequests[0]?.form.get('refresh_token')).toBe('rt-0')
    await client.revoke('rt-0', { tokenTypeHint: 'refresh_token' })
    const revocation = server.requests.find((received) => received.url.endsWith('/revoke'))
    expect(new URLSearchParams(revocation?.body)).toEqual(
      new URLSearchParams({ token: 'rt-0', token_type_hint: 'refresh_token', client_id: 'app' }),
    )
  })
})

describe('createOAuthClient options', () => {
  it('throws TypeError on a secret-based method without a secret', async () => {
    const handle = await createDPoPHandle()
    expect(() =>
      createOAuthClient(handle, {
        issuer: 'https://as.example',
        clientId: 'a',
        clientAuthentication: 'client_secret_basic',
      }),
    ).toThrow(TypeError)
  })
})
