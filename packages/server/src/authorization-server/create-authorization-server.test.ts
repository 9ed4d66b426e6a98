import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from './create-authorization-server.js'
import { basic, ISSUER, json, makeServer, request, SECRET, TOKEN_URL } from './test-support.js'

describe('RFC 8414 authorization server metadata', () => {
  it('publishes every endpoint and capability', async () => {
    const { server } = makeServer({ registration: { enabled: true } })
    const response = await server.handle(request('GET', `${ISSUER}/.well-known/oauth-authorization-server`))
    expect(response?.status).toBe(200)
    expect(response?.headers['Access-Control-Allow-Origin']).toBe('*')
    expect(json(response)).toEqual(server.metadata())
    expect(server.metadata()).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: TOKEN_URL,
      jwks_uri: `${ISSUER}/jwks`,
      pushed_authorization_request_endpoint: `${ISSUER}/par`,
      introspection_endpoint: `${ISSUER}/introspect`,
      revocation_endpoint: `${ISSUER}/revoke`,
      registration_endpoint: `${ISSUER}/register`,
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
      // Every asymmetric algorithm, RFC 9864's Ed25519 and (Node verifies it) Ed448 included.
      dpop_signing_alg_values_supported: [
        'ES256',
        'ES384',
        'ES512',
        'PS256',
        'PS384',
        'PS512',
        'RS256',
        'RS384',
        'RS512',
        'EdDSA',
        'Ed25519',
        'Ed448',
      ],
      authorization_response_iss_parameter_supported: true,
      response_types_supported: ['code'],
    })
  })

  it('places the well-known path before an issuer path (§3.1) and honours custom paths', async () => {
    const server = createAuthorizationServer({
      issuer: 'https://as.example/tenant',
      paths: { token: '/oauth/token' },
    })
    expect(server.metadata()).toMatchObject({
      token_endpoint: 'https://as.example/oauth/token',
      jwks_uri: 'https://as.example/tenant/jwks',
    })
    expect(server.routes).toContainEqual({
      method: 'GET',
      path: '/.well-known/oauth-authorization-server/tenant',
    })
    expect(server.metadata().authorization_endpoint).toBeUndefined()
    expect(server.metadata().grant_types_supported).toEqual(['client_credentials', 'refresh_token'])
  })

  it('§3.1: serves an issuer with a terminating "/" at the RFC path and at the path clients that keep it use', async () => {
    const issuer = 'https://as.example/tenant/'
    const server = createAuthorizationServer({ issuer })
    for (const path of [
      '/.well-known/oauth-authorization-server/tenant',
      '/.well-known/oauth-authorization-server/tenant/',
    ]) {
      const response = await server.handle(request('GET', `https://as.example${path}`))
      expect(response?.status, path).toBe(200)
      const document = json(response)
      // §3.3: the issuer is identical to the one the client started from.
      expect(document.issuer).toBe(issuer)
      for (const [name, value] of Object.entries(document)) {
        if (name.endsWith('_endpoint') || name === 'jwks_uri')
          expect(String(value)).toMatch(/^https:\/\/as\.example\/tenant\//)
      }
    }
  })

  it('serves the JWKS with public keys only', async () => {
    const { server } = makeServer()
    const response = await server.handle(request('GET', `${ISSUER}/jwks`))
    const { keys } = json(response) as { keys: Record<string, unknown>[] }
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    expect(keys[0]?.d).toBeUndefined()
    expect(keys[0]?.kid).toBeTypeOf('string')
  })

  it('lists routes and ignores other paths', async () => {
    const { server } = makeServer()
    expect(server.routes).toContainEqual({ method: 'POST', path: '/token' })
    expect(server.routes).toContainEqual({ method: 'OPTIONS', path: '/token' })
    expect(server.routes).toContainEqual({ method: 'GET', path: '/authorize' })
    expect(server.routes).not.toContainEqual({ method: 'POST', path: '/register' })
    expect(await server.handle(request('GET', `${ISSUER}/elsewhere`))).toBeUndefined()
  })
})

describe('CORS for browser clients', () => {
  it('answers preflights with DPoP in Allow-Headers for registered origins only', async () => {
    const { server } = makeServer()
    for (const path of ['/token', '/par', '/revoke']) {
      const allowed = await server.handle(
        request('OPTIONS', `${ISSUER}${path}`, { headers: { origin: 'https://app.example' } }),
      )
      expect(allowed?.status).toBe(204)
      expect(allowed?.headers).toMatchObject({
        'Access-Control-Allow-Origin': 'https://app.example',
        Vary: 'Origin',
      })
      for (const name of ['DPoP', 'Authorization', 'Content-Type']) {
        expect(allowed?.headers['Access-Control-Allow-Headers']).toContain(name)
      }
      const refused = await server.handle(
        request('OPTIONS', `${ISSUER}${path}`, { headers: { origin: 'https://evil.example' } }),
      )
      expect(refused?.headers['Access-Control-Allow-Origin']).toBeUndefined()
    }
    const metadata = await server.handle(
      request('OPTIONS', `${ISSUER}/.well-known/oauth-authorization-server`, {
        headers: { origin: 'https://any.example' },
      }),
    )
    expect(metadata?.headers['Access-Control-Allow-Origin']).toBe('*')
  })

  it("exposes DPoP-Nonce and WWW-Authenticate to the client's origin on token responses", async () => {
    const { server } = makeServer()
    const response = await server.handle(
      request('POST', TOKEN_URL, {
        headers: { origin: 'https://app.example' },
        body: 'grant_type=refresh_token&client_id=spa&refresh_token=unknown',
      }),
    )
    expect(json(response).error).toBe('invalid_grant')
    expect(response?.headers['Access-Control-Allow-Origin']).toBe('https://app.example')
    expect(response?.headers['Access-Control-Expose-Headers']).toContain('DPoP-Nonce')
    expect(response?.headers['Access-Control-Expose-Headers']).toContain('WWW-Authenticate')
    const otherClient = await server.handle(
      request('POST', TOKEN_URL, {
        headers: { origin: 'https://app.example', authorization: basic('service', SECRET) },
        body: 'grant_type=client_credentials',
      }),
    )
    expect(otherClient?.headers['Access-Control-Allow-Origin']).toBeUndefined()
    expect(otherClient?.headers.Vary).toBe('Origin')
  })
})
