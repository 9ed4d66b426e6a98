import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { calculateJwkThumbprint, exportJWK } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthorizationServer } from './create-authorization-server.js'
import { decodeJwtPayload } from './test-support.js'
import type { AuthorizationServer } from './types.js'

const SECRET = 'e2e-secret: with spaces & symbols'
const REDIRECT_URI = 'http://127.0.0.1/cb'

// Test-only bridge from node:http to the neutral handler.
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

let httpServer: Server
let issuer: string
let authorizationServer: AuthorizationServer

beforeAll(async () => {
  httpServer = createServer(async (request, response) => {
    const result = await authorizationServer.handle({
      method: request.method ?? 'GET',
      url: `${issuer}${request.url ?? '/'}`,
      header: (name) => request.headers[name.toLowerCase()],
      body: await readBody(request),
    })
    if (result === undefined) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(result.status, result.headers).end(result.body)
  })
  httpServer.listen(0, '127.0.0.1')
  await once(httpServer, 'listening')
  issuer = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
  authorizationServer = createAuthorizationServer({
    issuer,
    dpop: { nonce: (client) => client.clientId === 'service' },
    clients: [
      {
        clientId: 'service',
        clientSecret: SECRET,
        grantTypes: ['client_credentials'],
        dpopBoundAccessTokens: true,
      },
      { clientId: 'spa', redirectUris: [REDIRECT_URI], scope: 'read write' },
      { clientId: 'rs', clientSecret: SECRET, grantTypes: ['client_credentials'] },
    ],
    interaction: () => ({ subject: 'alice' }),
  })
})

afterAll(async () => {
  httpServer.close()
  await once(httpServer, 'close')
})

const insecure = { [oauth.allowInsecureRequests]: true }

async function discover(): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer)
  return oauth.processDiscoveryResponse(
    url,
    await oauth.discoveryRequest(url, { ...insecure, algorithm: 'oauth2' }),
  )
}

async function thumbprint(pair: CryptoKeyPair): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(pair.publicKey))
}

describe('end to end with oauth4webapi over node:http', () => {
  it('discovers the metadata', async () => {
    const as = await discover()
    expect(as.issuer).toBe(issuer)
    expect(as.dpop_signing_alg_values_supported).toContain('ES256')
  })

  it('client credentials with DPoP, after a use_dpop_nonce challenge (RFC 9449 §8)', async () => {
    const as = await discover()
    const client: oauth.Client = { client_id: 'service' }
    const pair = await oauth.generateKeyPair('ES256')
    const DPoP = oauth.DPoP(client, pair)
    const request = () =>
      oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(SECRET),
        { scope: 'read' },
        { ...insecure, DPoP },
      )
    let error: unknown
    try {
      await oauth.processClientCredentialsResponse(as, client, await request())
    } catch (caught) {
      error = caught
    }
    expect(oauth.isDPoPNonceError(error)).toBe(true)
    const result = await oauth.processClientCredentialsResponse(as, client, await request())
    expect(result.token_type).toBe('dpop')
    expect(decodeJwtPayload(result.access_token).cnf).toEqual({ jkt: await thumbprint(pair) })

    const rs: oauth.Client = { client_id: 'rs' }
    const introspection = await oauth.processIntrospectionResponse(
      as,
      rs,
      await oauth.introspectionRequest(
        as,
        rs,
        oauth.ClientSecretBasic(SECRET),
        result.access_token,
        insecure,
      ),
    )
    expect(introspection).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: await thumbprint(pair) },
    })
  })

  it('authorization code with PKCE and dpop_jkt, then refresh with the same key', async () => {
    const as = await discover()
    const client: oauth.Client = { client_id: 'spa', token_endpoint_auth_method: 'none' }
    const pair = await oauth.generateKeyPair('ES256')
    const DPoP = oauth.DPoP(client, pair)
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const url = new URL(as.authorization_endpoint as string)
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'spa',
      redirect_uri: REDIRECT_URI,
      scope: 'read',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      dpop_jkt: await thumbprint(pair),
    }).toString()
    const redirect = await fetch(url, { redirect: 'manual' })
    expect(redirect.status).toBe(302)
    const callback = oauth.validateAuthResponse(
      as,
      client,
      new URL(redirect.headers.get('location') as string),
      state,
    )
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, REDIRECT_URI, verifier, {
        ...insecure,
        DPoP,
      }),
    )
    expect(tokens.token_type).toBe('dpop')
    expect(decodeJwtPayload(tokens.access_token)).toMatchObject({
      sub: 'alice',
      cnf: { jkt: await thumbprint(pair) },
    })
    expect(tokens.refresh_token).toBeTypeOf('string')

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token as string, {
        ...insecure,
        DPoP,
      }),
    )
    expect(refreshed.token_type).toBe('dpop')
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    expect(decodeJwtPayload(refreshed.access_token).cnf).toEqual({ jkt: await thumbprint(pair) })

    // The rotated refresh token is refused, and a refresh with another key is refused too.
    const otherDPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'))
    await expect(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshed.refresh_token as string, {
          ...insecure,
          DPoP: otherDPoP,
        }),
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('pushed authorization request carrying a DPoP header binds the code (RFC 9449 §10.1)', async () => {
    const as = await discover()
    const client: oauth.Client = { client_id: 'spa', token_endpoint_auth_method: 'none' }
    const pair = await oauth.generateKeyPair('ES256')
    const DPoP = oauth.DPoP(client, pair)
    const verifier = oauth.generateRandomCodeVerifier()
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(
        as,
        client,
        oauth.None(),
        {
          response_type: 'code',
          redirect_uri: REDIRECT_URI,
          scope: 'write',
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        },
        { ...insecure, DPoP },
      ),
    )
    const url = new URL(as.authorization_endpoint as string)
    url.search = new URLSearchParams({ client_id: 'spa', request_uri: pushed.request_uri }).toString()
    const redirect = await fetch(url, { redirect: 'manual' })
    const callback = oauth.validateAuthResponse(
      as,
      client,
      new URL(redirect.headers.get('location') as string),
    )
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, REDIRECT_URI, verifier, {
        ...insecure,
        DPoP,
      }),
    )
    expect(decodeJwtPayload(tokens.access_token)).toMatchObject({
      scope: 'write',
      cnf: { jkt: await thumbprint(pair) },
    })
  })
})
