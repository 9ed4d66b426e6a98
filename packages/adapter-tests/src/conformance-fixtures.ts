import {
  calculateJwkThumbprint,
  createNonceSource,
  createProof,
  generateKeyPair,
  type NonceSource,
} from '@dpop/core'
import { type AuthorizationServer, createAuthorizationServer, type ResourceGuardOptions } from '@dpop/server'
import { exportJWK, type JWK, SignJWT } from 'jose'

export const TOKEN_ISSUER = 'https://issuer.example'
export const AUTHORIZATION_SERVER_ISSUER = 'https://as.example'
export const RESOURCE = 'https://rs.example'
export const ALLOWED_ORIGIN = 'https://app.example'
export const CLIENT_ID = 'conformance-client'
export const CLIENT_SECRET = 'conformance-secret-that-is-long-enough-0123456789'
/** The identity the resource's nonces are bound to (its `resourceMetadata.resource`, RFC 9449 §9). */
export const RESOURCE_NONCE_SERVER = `resource ${RESOURCE}`

export interface ConformanceFixtures {
  clientKey: CryptoKeyPair
  otherKey: CryptoKeyPair
  /** RFC 7638 thumbprint of `clientKey`, the `cnf.jkt` of every token. */
  thumbprint: string
  /** JWT access tokens (RFC 9068) bound to `clientKey`. */
  tokens: { read: string; unbound: string }
  /** Shared by the `/nonce` guard and the authorization server (nonces required with `x-conformance-nonce`). */
  nonceSource: NonceSource
  authorizationServer: AuthorizationServer
  guard: ResourceGuardOptions
  nonceGuard: ResourceGuardOptions
  /** A DPoP proof of `clientKey` (or `key`) for `method url`, with `ath` of `accessToken`. */
  proof(
    method: string,
    url: string,
    options?: { accessToken?: string; nonce?: string; key?: CryptoKeyPair },
  ): Promise<string>
}

/** Keys, tokens, an authorization server and the guard options every adapter app is built from. */
export async function createConformanceFixtures(): Promise<ConformanceFixtures> {
  const [clientKey, otherKey, signer] = await Promise.all([
    generateKeyPair('ES256'),
    generateKeyPair('ES256'),
    generateKeyPair('ES256'),
  ])
  const clientJwk = await exportJWK(clientKey.publicKey)
  const thumbprint = await calculateJwkThumbprint(clientJwk as Parameters<typeof calculateJwkThumbprint>[0])
  const signerJwk: JWK = { ...(await exportJWK(signer.publicKey)), kid: 'conformance', alg: 'ES256' }
  const mint = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'conformance' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(RESOURCE)
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('10m')
      .setJti(crypto.randomUUID())
      .sign(signer.privateKey)
  const [read, unbound] = await Promise.all([
    mint({ client_id: CLIENT_ID, scope: 'read', cnf: { jkt: thumbprint } }),
    mint({ client_id: CLIENT_ID, scope: 'read' }),
  ])

  // A frozen clock and a one-step window: nonces never go stale during the suite, and every one is in its
  // last step, so each successful response must carry a fresh DPoP-Nonce (RFC 9449 §9).
  const frozen = Date.now()
  const nonceSource = createNonceSource({
    secrets: [{ id: 'rs', secret: crypto.getRandomValues(new Uint8Array(32)) }],
    window: 1,
    now: () => frozen,
  })
  const authorizationServer = createAuthorizationServer({
    issuer: AUTHORIZATION_SERVER_ISSUER,
    audience: RESOURCE,
    // The same source as the resource's: its nonces must still be refused there, and the resource's here.
    dpop: {
      nonceSource,
      nonce: (_client, request) => request.header('x-conformance-nonce') !== undefined,
    },
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        grantTypes: ['client_credentials'],
        dpopBoundAccessTokens: true,
        scope: 'read',
      },
    ],
  })
  const guard: ResourceGuardOptions = {
    jwks: { keys: [signerJwk, ...(await authorizationServer.jwks()).keys] },
    issuer: [TOKEN_ISSUER, AUTHORIZATION_SERVER_ISSUER],
    audience: RESOURCE,
    resourceMetadata: { resource: RESOURCE, authorizationServers: [AUTHORIZATION_SERVER_ISSUER] },
  }
  const nonceGuard: ResourceGuardOptions = {
    ...guard,
    nonce: {
      source: nonceSource,
      // Throwing here is an error that is not a DPoPError: the adapter must leave it to the framework.
      required: (request) => {
        if (request.header('x-conformance-failure') !== undefined) throw new Error('conformance failure')
        return true
      },
    },
  }
  return {
    clientKey,
    otherKey,
    thumbprint,
    tokens: { read, unbound },
    nonceSource,
    authorizationServer,
    guard,
    nonceGuard,
    proof: (method, url, options = {}) =>
      createProof(options.key ?? clientKey, {
        htm: method,
        htu: url,
        ...(options.accessToken === undefined ? {} : { accessToken: options.accessToken }),
        ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
      }),
  }
}
