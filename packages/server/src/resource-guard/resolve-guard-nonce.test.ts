import { createNonceSource, type DPoPError, type NonceSource } from '@dpop/core'
import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from '../authorization-server/create-authorization-server.js'
import { request as asRequest, basic, json, proofFor, SECRET } from '../authorization-server/test-support.js'
import { createNeutralRequest } from '../http/create-neutral-request.js'
import { createResourceGuard } from './create-resource-guard.js'
import type { ResourceGuardOptions } from './resource-guard-options.js'
import { mintToken, proof, rejection, useGuardTestKeys } from './test-helpers.js'

const NOW = Date.UTC(2030, 0, 1)
const AS = 'https://as.example'
const API = 'https://api.example'
const OTHER_API = 'https://other-api.example'
const keys = useGuardTestKeys()

function sharedSource(now = () => NOW): NonceSource {
  return createNonceSource({ secrets: [{ id: 'one', secret: 's'.repeat(32) }], now })
}

function guardAt(resource: string, options: Partial<ResourceGuardOptions>) {
  return createResourceGuard({
    jwks: { keys: [keys.asKey.jwk] },
    issuer: AS,
    audience: resource,
    now: () => NOW,
    ...options,
  } as ResourceGuardOptions)
}

/** A DPoP request at `resource` (its token's audience) with a proof carrying `nonce`. */
async function resourceRequest(resource: string, nonce?: string, now = NOW) {
  const url = `${resource}/items`
  const token = await mintToken(keys.asKey, { jkt: keys.alice.jkt, now, audience: resource, issuer: AS })
  const dpop = await proof(keys.alice, {
    htu: url,
    accessToken: token,
    now,
    ...(nonce === undefined ? {} : { nonce }),
  })
  return createNeutralRequest('GET', url, { authorization: `DPoP ${token}`, dpop })
}

function expectNonceChallenge(error: DPoPError, reason: string): string {
  expect(error.code).toBe('use_dpop_nonce')
  expect(error.reason).toBe(reason)
  expect(error.status).toBe(401)
  const nonce = error.headers['DPoP-Nonce']
  expect(nonce).toBeTypeOf('string')
  return nonce as string
}

/** The nonce a guard hands out with its first `use_dpop_nonce`. */
async function nonceOf(guard: ReturnType<typeof createResourceGuard>, resource: string): Promise<string> {
  return expectNonceChallenge(
    await rejection(guard.authenticate(await resourceRequest(resource))),
    'nonce_missing',
  )
}

describe("RFC 9449 §9: the guard's nonce switch", () => {
  it("'always' needs no source: the guard makes its own, and its nonce passes on the retry", async () => {
    const guard = guardAt(API, { nonce: 'always' })
    const nonce = await nonceOf(guard, API)
    expect((await guard.authenticate(await resourceRequest(API, nonce))).scheme).toBe('DPoP')
  })

  it('a policy of the request asks for a nonce only where it says so', async () => {
    const guard = guardAt(API, { nonce: (request) => request.header('x-sensitive') !== undefined })
    expect((await guard.authenticate(await resourceRequest(API))).scheme).toBe('DPoP')
    const token = await mintToken(keys.asKey, { jkt: keys.alice.jkt, now: NOW, audience: API, issuer: AS })
    const sensitive = createNeutralRequest('GET', `${API}/items`, {
      authorization: `DPoP ${token}`,
      dpop: await proof(keys.alice, { htu: `${API}/items`, accessToken: token, now: NOW }),
      'x-sensitive': '1',
    })
    expectNonceChallenge(await rejection(guard.authenticate(sensitive)), 'nonce_missing')
  })

  it("'off' asks for nothing", async () => {
    expect((await guardAt(API, { nonce: 'off' }).authenticate(await resourceRequest(API))).scheme).toBe(
      'DPoP',
    )
  })

  it('two guards with random secrets refuse each other; instances sharing nonceSource agree', async () => {
    const source = sharedSource()
    const [one, two] = [
      guardAt(API, { nonce: 'always', nonceSource: source }),
      guardAt(API, { nonce: 'always', nonceSource: source }),
    ]
    expect((await two.authenticate(await resourceRequest(API, await nonceOf(one, API)))).scheme).toBe('DPoP')
    const [alone, stranger] = [guardAt(API, { nonce: 'always' }), guardAt(API, { nonce: 'always' })]
    expectNonceChallenge(
      await rejection(stranger.authenticate(await resourceRequest(API, await nonceOf(alone, API)))),
      'nonce_invalid',
    )
  })

  it('rotation: an instance with a new first secret accepts nonces of one with the old secret', async () => {
    const old = createNonceSource({ secrets: [{ id: 'old', secret: 'o'.repeat(32) }], now: () => NOW })
    const rotated = createNonceSource({
      secrets: [
        { id: 'new', secret: 'n'.repeat(32) },
        { id: 'old', secret: 'o'.repeat(32) },
      ],
      now: () => NOW,
    })
    const nonce = await nonceOf(guardAt(API, { nonce: 'always', nonceSource: old }), API)
    const rotatedGuard = guardAt(API, { nonce: 'always', nonceSource: rotated })
    expect((await rotatedGuard.authenticate(await resourceRequest(API, nonce))).scheme).toBe('DPoP')
    expect((await nonceOf(rotatedGuard, API)).startsWith('new.')).toBe(true)
  })

  it('still takes a NonceRequirement object', async () => {
    const guard = guardAt(API, { nonce: { source: sharedSource(), required: true } })
    const nonce = await nonceOf(guard, API)
    expect((await guard.authenticate(await resourceRequest(API, nonce))).scheme).toBe('DPoP')
  })

  it('throws TypeError for a bad switch or source', () => {
    expect(() => guardAt(API, { nonce: 'sometimes' as never })).toThrow(TypeError)
    expect(() => guardAt(API, { nonce: 'always', nonceSource: {} as never })).toThrow(TypeError)
    expect(() => guardAt(API, { nonce: { source: {} as never } })).toThrow(TypeError)
    expect(() => guardAt(API, { nonce: { source: sharedSource() }, nonceSource: sharedSource() })).toThrow(
      TypeError,
    )
  })
})

describe('RFC 9449 §8, §9: a nonce is valid only at the server that issued it, even from one shared source', () => {
  it('a nonce of one resource is use_dpop_nonce at another resource sharing the source', async () => {
    const source = sharedSource()
    const api = guardAt(API, { nonce: 'always', nonceSource: source })
    const other = guardAt(OTHER_API, { nonce: 'always', nonceSource: source })
    const error = await rejection(
      other.authenticate(await resourceRequest(OTHER_API, await nonceOf(api, API))),
    )
    const own = expectNonceChallenge(error, 'nonce_invalid')
    expect((await other.authenticate(await resourceRequest(OTHER_API, own))).scheme).toBe('DPoP')
  })

  it('without a configured identity the nonce is bound to the origin of the request', async () => {
    const source = sharedSource()
    let nonce: string | undefined
    const guard = createResourceGuard({
      verifyAccessToken: async () => ({ sub: 'u', cnf: { jkt: keys.alice.jkt } }),
      nonce: 'always',
      nonceSource: source,
      now: () => NOW,
    })
    const custom = async (origin: string) =>
      guard.authenticate(
        createNeutralRequest('GET', `${origin}/items`, {
          authorization: 'DPoP opaque',
          dpop: await proof(keys.alice, {
            htu: `${origin}/items`,
            accessToken: 'opaque',
            now: NOW,
            ...(nonce === undefined ? {} : { nonce }),
          }),
        }),
      )
    nonce = expectNonceChallenge(await rejection(custom(API)), 'nonce_missing')
    expectNonceChallenge(await rejection(custom(OTHER_API)), 'nonce_invalid')
    expect((await custom(API)).scheme).toBe('DPoP')
  })

  it('the authorization server and a resource given one createNonceSource refuse each other’s nonces', async () => {
    const source = sharedSource()
    const server = createAuthorizationServer({
      issuer: AS,
      audience: API,
      now: () => NOW,
      dpop: { nonce: 'always', nonceSource: source },
      clients: [{ clientId: 'service', clientSecret: SECRET, grantTypes: ['client_credentials'] }],
    })
    const token = async (nonce?: string) =>
      server.handle(
        asRequest('POST', `${AS}/token`, {
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basic('service', SECRET),
            dpop: await proofFor(
              keys.alice.keyPair,
              `${AS}/token`,
              Math.floor(NOW / 1000),
              nonce === undefined ? {} : { nonce },
            ),
          },
          body: 'grant_type=client_credentials',
        }),
      )
    const guard = guardAt(API, { nonce: 'always', nonceSource: source })

    // A resource's nonce does not obtain a token.
    const refused = await token(await nonceOf(guard, API))
    expect(refused?.status).toBe(400)
    expect(json(refused).error).toBe('use_dpop_nonce')
    const asNonce = refused?.headers['DPoP-Nonce'] as string
    expect((await token(asNonce))?.status).toBe(200)

    // The authorization server's nonce does not pass at the resource.
    expectNonceChallenge(
      await rejection(guard.authenticate(await resourceRequest(API, asNonce))),
      'nonce_invalid',
    )
  })
})
