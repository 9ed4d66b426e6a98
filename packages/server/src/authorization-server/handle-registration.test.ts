import { describe, expect, it } from 'vitest'
import { basic, json, keyPair, makeServer, proofFor, request, TOKEN_URL } from './test-support.js'

const REGISTER_URL = 'https://as.example/register'
type Server = ReturnType<typeof makeServer>['server']

function register(server: Server, metadata: unknown, contentType = 'application/json') {
  return server.handle(
    request('POST', REGISTER_URL, {
      headers: { 'content-type': contentType },
      body: JSON.stringify(metadata),
    }),
  )
}

describe('RFC 7591 dynamic client registration', () => {
  it('is off by default', async () => {
    const { server } = makeServer()
    expect(await register(server, {})).toBeUndefined()
    expect(server.metadata().registration_endpoint).toBeUndefined()
  })

  it('registers a confidential DPoP-bound client that can then obtain tokens (RFC 9449 §5.2)', async () => {
    const { server, time } = makeServer({ registration: { enabled: true } })
    expect(server.metadata().registration_endpoint).toBe(REGISTER_URL)
    const response = await register(server, {
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      dpop_bound_access_tokens: true,
      client_name: 'Robot',
      scope: 'read',
      unknown_member: 'ignored',
    })
    expect(response?.status, response?.body).toBe(201)
    expect(response?.headers['Cache-Control']).toBe('no-store')
    const client = json(response)
    expect(client).toMatchObject({
      dpop_bound_access_tokens: true,
      client_name: 'Robot',
      grant_types: ['client_credentials'],
      client_secret_expires_at: 0,
    })
    expect(client.unknown_member).toBeUndefined()
    const auth = basic(client.client_id as string, client.client_secret as string)
    const noProof = await server.handle(
      request('POST', TOKEN_URL, { headers: { authorization: auth }, body: 'grant_type=client_credentials' }),
    )
    expect(json(noProof).error).toBe('invalid_dpop_proof')
    const pair = await keyPair()
    const ok = await server.handle(
      request('POST', TOKEN_URL, {
        headers: { authorization: auth, dpop: await proofFor(pair, TOKEN_URL, time.seconds()) },
        body: 'grant_type=client_credentials',
      }),
    )
    expect(json(ok)).toMatchObject({ token_type: 'DPoP', scope: 'read' })
  })

  it('registers a public client without a secret', async () => {
    const { server } = makeServer({ registration: { enabled: true } })
    const client = json(
      await register(server, {
        redirect_uris: ['http://127.0.0.1:3000/cb'],
        token_endpoint_auth_method: 'none',
      }),
    )
    expect(client.client_secret).toBeUndefined()
    expect(client).toMatchObject({ grant_types: ['authorization_code'], response_types: ['code'] })
  })

  it('answers invalid_redirect_uri for bad redirect URIs', async () => {
    const { server } = makeServer({ registration: { enabled: true } })
    for (const uri of ['http://app.example/cb', 'https://app.example/cb#frag', '/relative', 'custom:cb']) {
      const response = await register(server, { redirect_uris: [uri] })
      expect(response?.status).toBe(400)
      expect(json(response).error, uri).toBe('invalid_redirect_uri')
    }
    expect(json(await register(server, { grant_types: ['authorization_code'] })).error).toBe(
      'invalid_redirect_uri',
    )
  })

  it('answers invalid_client_metadata for bad metadata', async () => {
    const { server } = makeServer({ registration: { enabled: true }, scopesSupported: ['read'] })
    const cases: unknown[] = [
      { token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'] },
      { grant_types: ['password'] },
      { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' },
      { grant_types: ['client_credentials'], dpop_bound_access_tokens: 'yes' },
      { grant_types: ['client_credentials'], scope: 'admin' },
      { grant_types: ['client_credentials'], jwks: { keys: [{ kty: 'EC', d: 'private' }] } },
      [],
    ]
    for (const metadata of cases) {
      const response = await register(server, metadata)
      expect(json(response).error, JSON.stringify(metadata)).toBe('invalid_client_metadata')
    }
    const notJson = await server.handle(
      request('POST', REGISTER_URL, { headers: { 'content-type': 'application/json' }, body: '{' }),
    )
    expect(json(notJson).error).toBe('invalid_client_metadata')
    const form = await register(server, {}, 'application/x-www-form-urlencoded')
    expect(json(form).error).toBe('invalid_client_metadata')
  })

  it('RFC 7591 §2: rejects redirect URIs with whitespace or control characters, and oversized bodies', async () => {
    const { server } = makeServer({ registration: { enabled: true } })
    for (const uri of [
      'https://app.example/cb\r\nSet-Cookie: a=b',
      'https://app.example/c b',
      'https://app.example/\tcb',
    ]) {
      const response = await register(server, { redirect_uris: [uri] })
      expect(response?.status).toBe(400)
      expect(json(response).error).toBe('invalid_redirect_uri')
    }
    const huge = await register(server, {
      grant_types: ['client_credentials'],
      client_name: 'x'.repeat(70_000),
    })
    expect(response400(huge)).toBe('invalid_client_metadata')
  })

  it('treats __proto__ and constructor members as plain data (no prototype pollution)', async () => {
    const { server } = makeServer({ registration: { enabled: true } })
    const response = await server.handle(
      request('POST', REGISTER_URL, {
        headers: { 'content-type': 'application/json' },
        body: '{"grant_types":["client_credentials"],"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      }),
    )
    expect(response?.status).toBe(201)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

function response400(response: Awaited<ReturnType<typeof register>>) {
  expect(response?.status).toBe(400)
  return json(response).error
}
