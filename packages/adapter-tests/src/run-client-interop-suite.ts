import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { calculateJwkThumbprint } from '@dpop/core'
import { decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose'
import * as oauth from 'oauth4webapi'
import Provider from 'oidc-provider'
import * as openid from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ALLOWED_ORIGIN,
  AUTHORIZATION_SERVER_ISSUER,
  CLIENT_ID,
  CLIENT_SECRET,
  type ConformanceFixtures,
  createConformanceFixtures,
  RESOURCE,
} from './conformance-fixtures.js'
import type { ConformanceAdapter, ConformanceApp, ConformanceAppOptions } from './run-conformance-suite.js'

/** Every algorithm openid-client's `randomDPoPKeyPair` and oauth4webapi's `generateKeyPair` make keys for. */
const CLIENT_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'Ed25519',
  'EdDSA',
] as const

/** The `alg` these libraries sign with for a key made for `alg`: an Ed25519 key always signs `Ed25519`. */
const signedAs = (alg: string) => (alg === 'EdDSA' ? 'Ed25519' : alg)

async function thumbprintOf(keyPair: CryptoKeyPair): Promise<string> {
  const { kty, crv, x, y, e, n } = await exportJWK(keyPair.publicKey)
  return calculateJwkThumbprint(JSON.parse(JSON.stringify({ kty, crv, x, y, e, n })) as JWK)
}

/** A fetch that sends requests for `from` to `to` (the app serves the authorization server's routes). */
function redirectingFetch(from: string, to: () => string, proofs: string[]) {
  return (url: string, options: openid.CustomFetchOptions) => {
    const proof = new Headers(options.headers).get('dpop')
    if (proof !== null) proofs.push(proof)
    const target = url.startsWith(from) ? to() + url.slice(from.length) : url
    return fetch(target, options as RequestInit)
  }
}

/** oidc-provider issuing RFC 9068 JWT access tokens for `RESOURCE`, bound by DPoP. */
async function startOidcProvider(): Promise<{ issuer: string; server: Server }> {
  let handler: Parameters<typeof createServer>[1] = (_request, response) => response.writeHead(503).end()
  const server = createServer((request, response) => handler?.(request, response))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'oidc-provider', alg: 'RS256', use: 'sig' }] },
    clients: [
      {
        client_id: 'service',
        client_secret: 'oidc-provider-service-secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        dpop_bound_access_tokens: true,
      },
    ],
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: {
      dPoP: { enabled: true },
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'read', audience: RESOURCE, accessTokenFormat: 'jwt' }),
      },
    },
    scopes: ['read'],
  })
  handler = provider.callback()
  return { issuer, server }
}

/**
 * openid-client and oauth4webapi, with a key pair of every algorithm they support, against the authorization
 * server mounted by the adapter and its guarded route; and tokens oidc-provider bound to an Ed25519 key at the
 * adapter's guard (RFC 9449 §5, §7, RFC 9864).
 */
export function runClientInteropSuite(adapter: ConformanceAdapter): void {
  describe(`${adapter.name}: openid-client, oauth4webapi and oidc-provider (RFC 9449, RFC 9864)`, () => {
    let fixtures: ConformanceFixtures
    let app: ConformanceApp
    let oidcApp: ConformanceApp
    let oidcProvider: { issuer: string; server: Server }
    const proofs: string[] = []
    const rewrite = redirectingFetch(AUTHORIZATION_SERVER_ISSUER, () => app.origin, proofs)

    beforeAll(async () => {
      fixtures = await createConformanceFixtures()
      oidcProvider = await startOidcProvider()
      const jwks = (await (await fetch(`${oidcProvider.issuer}/jwks`)).json()) as { keys: JWK[] }
      const options: ConformanceAppOptions = {
        guard: fixtures.guard,
        allowedOrigins: [ALLOWED_ORIGIN],
        nonceGuard: fixtures.nonceGuard,
        authorizationServer: fixtures.authorizationServer,
        trustProxy: false,
      }
      ;[app, oidcApp] = await Promise.all([
        adapter.start(options),
        adapter.start({
          ...options,
          guard: {
            jwks,
            issuer: oidcProvider.issuer,
            audience: RESOURCE,
            resourceMetadata: { resource: RESOURCE, authorizationServers: [oidcProvider.issuer] },
          },
        }),
      ])
    })

    afterAll(async () => {
      await Promise.all([app?.close(), oidcApp?.close()])
      oidcProvider?.server.closeAllConnections()
      await new Promise((resolve) => oidcProvider?.server.close(resolve))
    })

    async function discoverWithOauth4webapi(): Promise<oauth.AuthorizationServer> {
      const issuer = new URL(AUTHORIZATION_SERVER_ISSUER)
      const response = await oauth.discoveryRequest(issuer, {
        algorithm: 'oauth2',
        [oauth.customFetch]: rewrite,
      })
      return oauth.processDiscoveryResponse(issuer, response)
    }

    it('the mounted authorization server advertises every algorithm these clients sign with', async () => {
      const as = await discoverWithOauth4webapi()
      for (const alg of CLIENT_ALGORITHMS) expect(as.dpop_signing_alg_values_supported).toContain(alg)
    })

    for (const alg of CLIENT_ALGORITHMS) {
      it(`oauth4webapi generateKeyPair('${alg}'): token from the authorization server, then the guarded route`, async () => {
        const as = await discoverWithOauth4webapi()
        const client: oauth.Client = { client_id: CLIENT_ID }
        const keyPair = await oauth.generateKeyPair(alg)
        const DPoP = oauth.DPoP(client, keyPair)
        proofs.length = 0
        const tokens = await oauth.processClientCredentialsResponse(
          as,
          client,
          await oauth.clientCredentialsGrantRequest(
            as,
            client,
            oauth.ClientSecretBasic(CLIENT_SECRET),
            { scope: 'read' },
            { DPoP, [oauth.customFetch]: rewrite },
          ),
        )
        expect(tokens.token_type).toBe('dpop')
        expect(decodeProtectedHeader(proofs[0] ?? '').alg).toBe(signedAs(alg))
        const response = await oauth.protectedResourceRequest(
          tokens.access_token,
          'GET',
          new URL(`${app.origin}/resource`),
          undefined,
          undefined,
          { DPoP, [oauth.allowInsecureRequests]: true },
        )
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({
          sub: CLIENT_ID,
          scheme: 'DPoP',
          thumbprint: await thumbprintOf(keyPair),
        })
      })
    }

    for (const alg of CLIENT_ALGORITHMS) {
      it(`openid-client randomDPoPKeyPair('${alg}'): token from the authorization server, then the guarded route`, async () => {
        const as = await discoverWithOauth4webapi()
        const config = new openid.Configuration(
          as as openid.ServerMetadata,
          CLIENT_ID,
          CLIENT_SECRET,
          openid.ClientSecretBasic(CLIENT_SECRET),
        )
        config[openid.customFetch] = rewrite
        openid.allowInsecureRequests(config)
        const keyPair = await openid.randomDPoPKeyPair(alg)
        const DPoP = openid.getDPoPHandle(config, keyPair)
        proofs.length = 0
        const tokens = await openid.clientCredentialsGrant(config, { scope: 'read' }, { DPoP })
        expect(tokens.token_type).toBe('dpop')
        expect(decodeProtectedHeader(proofs[0] ?? '').alg).toBe(signedAs(alg))
        const response = await openid.fetchProtectedResource(
          config,
          tokens.access_token,
          new URL(`${app.origin}/resource`),
          'GET',
          undefined,
          undefined,
          { DPoP },
        )
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({
          sub: CLIENT_ID,
          scheme: 'DPoP',
          thumbprint: await thumbprintOf(keyPair),
        })
      })
    }

    it("a token oidc-provider bound to openid-client's Ed25519 key is accepted with its Ed25519 proofs", async () => {
      const config = await openid.discovery(
        new URL(oidcProvider.issuer),
        'service',
        'oidc-provider-service-secret',
        openid.ClientSecretBasic('oidc-provider-service-secret'),
        { execute: [openid.allowInsecureRequests] },
      )
      const keyPair = await openid.randomDPoPKeyPair('Ed25519')
      const DPoP = openid.getDPoPHandle(config, keyPair)
      const tokens = await openid.clientCredentialsGrant(
        config,
        { scope: 'read', resource: RESOURCE },
        { DPoP },
      )
      expect(tokens.token_type).toBe('dpop')
      const response = await openid.fetchProtectedResource(
        config,
        tokens.access_token,
        new URL(`${oidcApp.origin}/resource`),
        'GET',
        undefined,
        undefined,
        { DPoP },
      )
      expect(response.status, response.headers.get('www-authenticate') ?? '').toBe(200)
      expect(await response.json()).toMatchObject({ scheme: 'DPoP', thumbprint: await thumbprintOf(keyPair) })
    })
  })
}
