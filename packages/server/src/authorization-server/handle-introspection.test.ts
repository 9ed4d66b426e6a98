import { describe, expect, it } from 'vitest'
import {
  basic,
  codeFlowTokens,
  json,
  keyPair,
  makeServer,
  proofFor,
  request,
  SECRET,
  TOKEN_URL,
} from './test-support.js'

const INTROSPECT_URL = 'https://as.example/introspect'
const REVOKE_URL = 'https://as.example/revoke'
type Server = ReturnType<typeof makeServer>['server']

function introspect(server: Server, token: string, extra = '', auth = basic('service', SECRET)) {
  return server.handle(
    request('POST', INTROSPECT_URL, {
      headers: { authorization: auth },
      body: `token=${encodeURIComponent(token)}${extra}`,
    }),
  )
}

function revoke(server: Server, token: string, clientId = 'service', extra = '') {
  return server.handle(
    request('POST', REVOKE_URL, {
      headers: { authorization: basic(clientId, SECRET) },
      body: `token=${encodeURIComponent(token)}${extra}`,
    }),
  )
}

async function clientToken(server: Server, clientId = 'service', dpop?: string) {
  const response = await server.handle(
    request('POST', TOKEN_URL, {
      headers: { authorization: basic(clientId, SECRET), ...(dpop ? { dpop } : {}) },
      body: 'grant_type=client_credentials&scope=read',
    }),
  )
  return json(response).access_token as string
}

describe('RFC 7662 token introspection', () => {
  for (const format of ['jwt', 'opaque'] as const) {
    it(`describes an active ${format} DPoP-bound access token with cnf.jkt and token_type DPoP (RFC 9449 §6.2)`, async () => {
      const { server, time } = makeServer({ accessTokenFormat: format })
      const pair = await keyPair()
      const token = await clientToken(server, 'service', await proofFor(pair, TOKEN_URL, time.seconds()))
      if (format === 'opaque') expect(token.split('.')).toHaveLength(1)
      const response = await introspect(server, token)
      expect(response?.status).toBe(200)
      expect(response?.headers['Cache-Control']).toBe('no-store')
      const body = json(response)
      expect(body).toMatchObject({
        active: true,
        scope: 'read',
        client_id: 'service',
        sub: 'service',
        token_type: 'DPoP',
        iat: time.seconds(),
        exp: time.seconds() + 3600,
        iss: 'https://as.example',
      })
      expect((body.cnf as { jkt: string }).jkt).toMatch(/^[A-Za-z0-9_-]{43}$/)
      time.advance(3601)
      expect(json(await introspect(server, token))).toEqual({ active: false })
    })
  }

  it('describes a Bearer token without cnf', async () => {
    const { server } = makeServer()
    const body = json(await introspect(server, await clientToken(server)))
    expect(body).toMatchObject({ active: true, token_type: 'Bearer' })
    expect(body.cnf).toBeUndefined()
  })

  it('answers active:false for unknown, forged and revoked tokens', async () => {
    const { server } = makeServer()
    const other = makeServer().server
    expect(json(await introspect(server, 'unknown'))).toEqual({ active: false })
    expect(json(await introspect(server, await clientToken(other)))).toEqual({ active: false })
    const token = await clientToken(server)
    expect((await revoke(server, token))?.status).toBe(200)
    expect(json(await introspect(server, token))).toEqual({ active: false })
  })

  it('describes refresh tokens (token_type_hint) to their own client until they are rotated', async () => {
    const { server } = makeServer()
    const tokens = await codeFlowTokens(server, 'web')
    const refreshToken = tokens.refresh_token as string
    const asWeb = (extra = '') =>
      server.handle(
        request('POST', INTROSPECT_URL, {
          body: `token=${encodeURIComponent(refreshToken)}&client_id=web&client_secret=${SECRET}${extra}`,
        }),
      )
    const body = json(await asWeb('&token_type_hint=refresh_token'))
    expect(body).toMatchObject({ active: true, client_id: 'web', sub: 'alice', scope: 'read write' })
    expect(json(await asWeb()).active).toBe(true)
    await server.handle(
      request('POST', TOKEN_URL, {
        body: `grant_type=refresh_token&client_id=web&client_secret=${SECRET}&refresh_token=${refreshToken}`,
      }),
    )
    expect(json(await asWeb())).toEqual({ active: false })
  })

  it("RFC 7662 §2.2/§4: never describes another client's refresh token", async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const tokens = await codeFlowTokens(server, 'spa', await proofFor(pair, TOKEN_URL, time.seconds()))
    const refreshToken = tokens.refresh_token as string
    const answer = json(await introspect(server, refreshToken, '&token_type_hint=refresh_token'))
    expect(answer).toEqual({ active: false })
    // The access token stays describable to a resource server (any authenticated confidential client).
    expect(json(await introspect(server, tokens.access_token as string)).active).toBe(true)
  })

  it('RFC 7662 §2.2: a long token from elsewhere is inactive (not an error), a huge one is invalid_request', async () => {
    const { server } = makeServer()
    const long = `${'a'.repeat(3000)}.${'b'.repeat(3000)}.${'c'.repeat(100)}`
    expect(json(await introspect(server, long))).toEqual({ active: false })
    expect((await revoke(server, long))?.status).toBe(200)
    const huge = await introspect(server, 'x'.repeat(20_000))
    expect(huge?.status).toBe(400)
    expect(json(huge).error).toBe('invalid_request')
  })

  it('requires an authenticated confidential client', async () => {
    const { server } = makeServer()
    const token = await clientToken(server)
    const wrong = await introspect(server, token, '', basic('service', 'wrong-secret-value'))
    expect(wrong?.status).toBe(401)
    expect(wrong?.headers['WWW-Authenticate']).toBe('Basic')
    const publicClient = await server.handle(
      request('POST', INTROSPECT_URL, { body: `token=${token}&client_id=spa` }),
    )
    expect(publicClient?.status).toBe(401)
    expect(json(publicClient).error).toBe('invalid_client')
    const missing = await server.handle(
      request('POST', INTROSPECT_URL, { headers: { authorization: basic('service', SECRET) }, body: '' }),
    )
    expect(json(missing).error).toBe('invalid_request')
  })
})

describe('RFC 7009 token revocation', () => {
  it('answers 200 for unknown tokens and requires the token parameter', async () => {
    const { server } = makeServer()
    expect((await revoke(server, 'unknown'))?.status).toBe(200)
    const missing = await server.handle(
      request('POST', REVOKE_URL, { headers: { authorization: basic('service', SECRET) }, body: '' }),
    )
    expect(json(missing).error).toBe('invalid_request')
  })

  it('refuses to revoke a token of another client, which stays active', async () => {
    const { server } = makeServer()
    const token = await clientToken(server, 'service')
    const response = await revoke(server, token, 'plain')
    expect(response?.status).toBe(400)
    expect(json(response).error).toBe('unauthorized_client')
    expect(json(await introspect(server, token)).active).toBe(true)
  })

  it('revoking a refresh token revokes its family (a public client revokes with its client_id)', async () => {
    const { server } = makeServer()
    const first = await codeFlowTokens(server, 'spa')
    const refreshBody = (token: unknown) =>
      `grant_type=refresh_token&client_id=spa&refresh_token=${String(token)}`
    const second = json(
      await server.handle(request('POST', TOKEN_URL, { body: refreshBody(first.refresh_token) })),
    )
    const response = await server.handle(
      request('POST', REVOKE_URL, {
        body: `token=${String(first.refresh_token)}&client_id=spa&token_type_hint=refresh_token`,
      }),
    )
    expect(response?.status).toBe(200)
    expect(response?.headers['Cache-Control']).toBe('no-store')
    const refused = await server.handle(
      request('POST', TOKEN_URL, { body: refreshBody(second.refresh_token) }),
    )
    expect(json(refused).error).toBe('invalid_grant')
  })

  it('revokes opaque access tokens', async () => {
    const { server } = makeServer({ accessTokenFormat: 'opaque' })
    const token = await clientToken(server)
    await revoke(server, token, 'service', '&token_type_hint=access_token')
    expect(json(await introspect(server, token))).toEqual({ active: false })
  })
})
