import { calculateAccessTokenHash } from '@dpop/core'
import { afterEach, describe, expect, it } from 'vitest'
import { type DPoPTestServer, startDPoPTestServer } from '../test/dpop-test-server.js'
import { type OAuthTestServer, startOAuthTestServer } from '../test/oauth-test-server.js'
import { createDPoPHandle } from './create-dpop-handle.js'
import { createOAuthClient } from './create-oauth-client.js'
import { createTokenManager } from './create-token-manager.js'

const servers: (DPoPTestServer | OAuthTestServer)[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function setUp(now: () => number = Date.now) {
  const as = await startOAuthTestServer({ expiresIn: 300 })
  servers.push(as)
  const handle = await createDPoPHandle({ now })
  const client = createOAuthClient(handle, { issuer: as.url, clientId: 'service', clientSecret: 'secret' })
  return { as, handle, client }
}

describe('createTokenManager', () => {
  it('obtains tokens once for concurrent callers and reuses them while fresh', async () => {
    const { as, client } = await setUp()
    const manager = createTokenManager(client, { obtainTokens: () => client.clientCredentials() })
    const all = await Promise.all(Array.from({ length: 5 }, () => manager.getTokens()))
    expect(new Set(all.map((tokens) => tokens.accessToken)).size).toBe(1)
    await manager.getTokens()
    expect(as.tokenRequests).toHaveLength(1)
  })

  it('refreshes ahead of expiry (configurable skew), one refresh shared by concurrent callers', async () => {
    let local = Date.now()
    const { as, client } = await setUp(() => local)
    const seen: string[] = []
    const manager = createTokenManager(client, {
      obtainTokens: () => client.clientCredentials(),
      refreshSkew: 30,
      onTokens: (tokens) => seen.push(tokens.accessToken),
    })
    const first = await manager.getTokens()
    local += (300 - 31) * 1000 // 31 s left: still fresh
    expect((await manager.getTokens()).accessToken).toBe(first.accessToken)
    local += 2000 // 29 s left: inside the skew
    const renewed = await Promise.all(Array.from({ length: 5 }, () => manager.getTokens()))
    expect(new Set(renewed.map((tokens) => tokens.accessToken)).size).toBe(1)
    expect(renewed[0]?.accessToken).not.toBe(first.accessToken)
    expect(as.tokenRequests.map(({ form }) => form.get('grant_type'))).toEqual([
      'client_credentials',
      'refresh_token',
    ])
    expect(as.tokenRequests[1]?.form.get('refresh_token')).toBe(first.refreshToken)
    expect(seen).toHaveLength(2)
  })

  it('keeps the refresh token when the refresh response leaves it out', async () => {
    const { client } = await setUp()
    const manager = createTokenManager(client, {
      tokens: { accessToken: 'old', tokenType: 'DPoP', refreshToken: 'keep-me', expiresAt: 0, raw: {} },
    })
    const original = client.refresh
    client.refresh = async (refreshToken, options) => {
      const { refreshToken: _dropped, ...tokens } = await original(refreshToken, options)
      return tokens
    }
    expect((await manager.getTokens()).refreshToken).toBe('keep-me')
  })

  it('fetch sends Authorization: DPoP with a proof whose ath matches (RFC 9449 §7.1)', async () => {
    const { client } = await setUp()
    const resource = await startDPoPTestServer({ requireNonce: true })
    servers.push(resource)
    const manager = createTokenManager(client, { obtainTokens: () => client.clientCredentials() })
    const response = await manager.fetch(`${resource.url}/data?x=1`, {
      headers: { Accept: 'application/json' },
    })
    expect(response.status).toBe(200)
    const accepted = resource.requests.at(-1)
    const token = manager.tokens?.accessToken ?? ''
    expect(accepted?.headers.authorization).toBe(`DPoP ${token}`)
    expect(accepted?.headers.accept).toBe('application/json')
    expect(accepted?.proof?.claims.ath).toBe(await calculateAccessTokenHash(token))
    expect(resource.requests.map((request) => request.failure)).toEqual(['nonce_missing', undefined])
  })

  it('renews and retries once when the resource answers invalid_token', async () => {
    const { as, client } = await setUp()
    let rejectNext = true
    const resource = await startDPoPTestServer({
      respond: (_request, response) => {
        if (!rejectNext) return void response.writeHead(200).end()
        rejectNext = false
        response.writeHead(401, { 'WWW-Authenticate': 'DPoP error="invalid_token", algs="ES256"' }).end()
      },
    })
    servers.push(resource)
    const manager = createTokenManager(client, { obtainTokens: () => client.clientCredentials() })
    const response = await manager.fetch(`${resource.url}/data`, { method: 'POST', body: 'payload' })
    expect(response.status).toBe(200)
    const [first, second] = resource.requests
    expect(first?.headers.authorization).not.toBe(second?.headers.authorization)
    expect(second?.body).toBe('payload')
    expect(as.tokenRequests.map(({ form }) => form.get('grant_type'))).toEqual([
      'client_credentials',
      'refresh_token',
    ])
  })

  it('does not retry a stream body after invalid_token', async () => {
    const { client } = await setUp()
    const resource = await startDPoPTestServer({
      respond: (_request, response) =>
        response.writeHead(401, { 'WWW-Authenticate': 'DPoP error="invalid_token"' }).end(),
    })
    servers.push(resource)
    const manager = createTokenManager(client, { obtainTokens: () => client.clientCredentials() })
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('once'))
        controller.close()
      },
    })
    const response = await manager.fetch(`${resource.url}/data`, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(401)
    expect(resource.requests).toHaveLength(1)
  })

  it('rejects without tokens and without a way to get them', async () => {
    const { client } = await setUp()
    await expect(createTokenManager(client).getTokens()).rejects.toThrow(/obtainTokens/)
  })
})
