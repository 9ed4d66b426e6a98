import { createNonceSource, generateKeyPair } from '@dpop/core'
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, exportJWK, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from './memory-storage.js'
import {
  basic,
  clock,
  decodeJwtPayload,
  ISSUER,
  json,
  keyPair,
  makeServer,
  proofFor,
  request,
  SECRET,
  TOKEN_URL,
} from './test-support.js'

async function thumbprintOf(pair: CryptoKeyPair) {
  return calculateJwkThumbprint(await exportJWK(pair.publicKey))
}

function tokenRequest(body: string, headers: Record<string, string | string[]> = {}) {
  return request('POST', TOKEN_URL, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  })
}

describe('RFC 6749 §2.3 client authentication at the token endpoint', () => {
  it('accepts client_secret_basic with form-urlencoded id and secret (§2.3.1)', async () => {
    const { server } = makeServer({
      clients: [
        {
          clientId: 'a b:c',
          clientSecret: 'secret with spaces & : colon',
          grantTypes: ['client_credentials'],
        },
      ],
    })
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('a b:c', 'secret with spaces & : colon'),
      }),
    )
    expect(response?.status, response?.body).toBe(200)
    expect(json(response).token_type).toBe('Bearer')
  })

  it('rejects a wrong secret with 401 invalid_client and WWW-Authenticate: Basic', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('service', 'wrong-secret-value'),
      }),
    )
    expect(response?.status).toBe(401)
    expect(json(response).error).toBe('invalid_client')
    expect(response?.headers['WWW-Authenticate']).toBe('Basic')
    expect(response?.headers['Cache-Control']).toBe('no-store')
  })

  it('rejects an unknown client with invalid_client (no Basic challenge for client_secret_post)', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      tokenRequest(`grant_type=client_credentials&client_id=nobody&client_secret=${SECRET}`),
    )
    expect(response?.status).toBe(401)
    expect(json(response).error).toBe('invalid_client')
    expect(response?.headers['WWW-Authenticate']).toBeUndefined()
  })

  it('accepts client_secret_post for a client registered for it', async () => {
    const { server } = makeServer({
      clients: [
        {
          clientId: 'poster',
          clientSecret: SECRET,
          tokenEndpointAuthMethod: 'client_secret_post',
          grantTypes: ['client_credentials'],
        },
      ],
    })
    const response = await server.handle(
      tokenRequest(`grant_type=client_credentials&client_id=poster&client_secret=${SECRET}`),
    )
    expect(response?.status, response?.body).toBe(200)
  })

  it('accepts both secret methods from a static client by default (identity servers such as WSO2 Identity Server accept Basic and the body)', async () => {
    const { server } = makeServer({
      clients: [{ clientId: 'both', clientSecret: SECRET, grantTypes: ['client_credentials'] }],
    })
    const post = await server.handle(
      tokenRequest(`grant_type=client_credentials&client_id=both&client_secret=${SECRET}`),
    )
    expect(post?.status, post?.body).toBe(200)
    const viaBasic = await server.handle(
      tokenRequest('grant_type=client_credentials', { authorization: basic('both', SECRET) }),
    )
    expect(viaBasic?.status, viaBasic?.body).toBe(200)
    const none = await server.handle(tokenRequest('grant_type=client_credentials&client_id=both'))
    expect(json(none).error).toBe('invalid_client')
  })

  it('rejects a method the client is not registered for with invalid_client', async () => {
    const { server } = makeServer({
      clients: [
        {
          clientId: 'strict',
          clientSecret: SECRET,
          tokenEndpointAuthMethod: 'client_secret_basic',
          grantTypes: ['client_credentials'],
        },
      ],
    })
    const response = await server.handle(
      tokenRequest(`grant_type=client_credentials&client_id=strict&client_secret=${SECRET}`),
    )
    expect(response?.status).toBe(401)
    expect(json(response).error).toBe('invalid_client')
  })

  it('rejects a confidential client presenting no secret', async () => {
    const { server } = makeServer()
    const response = await server.handle(tokenRequest('grant_type=client_credentials&client_id=service'))
    expect(json(response).error).toBe('invalid_client')
  })

  it('rejects two authentication methods at once with invalid_request', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      tokenRequest(`grant_type=client_credentials&client_secret=${SECRET}`, {
        authorization: basic('service', SECRET),
      }),
    )
    expect(response?.status).toBe(400)
    expect(json(response).error).toBe('invalid_request')
  })

  it('rejects a request without any client identification', async () => {
    const { server } = makeServer()
    const response = await server.handle(tokenRequest('grant_type=client_credentials'))
    expect(json(response).error).toBe('invalid_client')
  })
})

describe('RFC 6749 §5.2 token endpoint errors', () => {
  it('rejects a duplicated parameter with invalid_request (§3.1)', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials&grant_type=client_credentials', {
        authorization: basic('service', SECRET),
      }),
    )
    expect(json(response).error).toBe('invalid_request')
  })

  it('answers a missing grant_type with invalid_request and an unknown one with unsupported_grant_type', async () => {
    const { server } = makeServer()
    const auth = { authorization: basic('service', SECRET) }
    expect(json(await server.handle(tokenRequest('scope=read', auth))).error).toBe('invalid_request')
    expect(json(await server.handle(tokenRequest('grant_type=password', auth))).error).toBe(
      'unsupported_grant_type',
    )
    expect(json(await server.handle(tokenRequest('grant_type=toString', auth))).error).toBe(
      'unsupported_grant_type',
    )
  })

  it('answers a grant the client may not use with unauthorized_client', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      tokenRequest('grant_type=refresh_token&refresh_token=x', { authorization: basic('service', SECRET) }),
    )
    expect(json(response).error).toBe('unauthorized_client')
  })

  it('answers a scope outside the client registration with invalid_scope', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials&scope=admin', { authorization: basic('service', SECRET) }),
    )
    expect(json(response).error).toBe('invalid_scope')
  })

  it('§5.2 invalid_scope: a client without its own scope list is held to scopesSupported', async () => {
    const { server } = makeServer({
      scopesSupported: ['read', 'write'],
      clients: [{ clientId: 'open', clientSecret: SECRET, grantTypes: ['client_credentials'] }],
    })
    const outside = await server.handle(
      tokenRequest('grant_type=client_credentials&scope=admin', { authorization: basic('open', SECRET) }),
    )
    expect(outside?.status).toBe(400)
    expect(json(outside).error).toBe('invalid_scope')
    const inside = await server.handle(
      tokenRequest('grant_type=client_credentials&scope=read', { authorization: basic('open', SECRET) }),
    )
    expect(json(inside).scope).toBe('read')
  })

  it('rejects a body that is not form-urlencoded', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      request('POST', TOKEN_URL, {
        headers: { 'content-type': 'application/json', authorization: basic('service', SECRET) },
        body: '{"grant_type":"client_credentials"}',
      }),
    )
    expect(json(response).error).toBe('invalid_request')
  })

  it('answers 405 for GET', async () => {
    const { server } = makeServer()
    const response = await server.handle(request('GET', TOKEN_URL))
    expect(response?.status).toBe(405)
  })
})

describe('RFC 9449 §5 DPoP access token request (client credentials)', () => {
  it('issues a DPoP-bound JWT access token (RFC 9068, §6.1 cnf.jkt) with Cache-Control: no-store', async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials&scope=read', {
        authorization: basic('service', SECRET),
        dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
      }),
    )
    expect(response?.status, response?.body).toBe(200)
    expect(response?.headers['Cache-Control']).toBe('no-store')
    const body = json(response)
    expect(body).toMatchObject({ token_type: 'DPoP', expires_in: 3600, scope: 'read' })
    expect(body.refresh_token).toBeUndefined()
    const token = body.access_token as string
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt')
    const { payload } = await jwtVerify(token, createLocalJWKSet(await server.jwks()), {
      issuer: ISSUER,
      audience: ISSUER,
      typ: 'at+jwt',
      currentDate: new Date(time.now()),
    })
    expect(payload).toMatchObject({
      sub: 'service',
      client_id: 'service',
      scope: 'read',
      cnf: { jkt: await thumbprintOf(pair) },
    })
    expect(payload.exp).toBe(time.seconds() + 3600)
    expect(typeof payload.jti).toBe('string')
  })

  it('issues a Bearer token without cnf when no proof is sent and the client allows it', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', { authorization: basic('service', SECRET) }),
    )
    const body = json(response)
    expect(body.token_type).toBe('Bearer')
    expect(decodeJwtPayload(body.access_token as string).cnf).toBeUndefined()
  })

  it('§5.2: rejects a dpop_bound_access_tokens client without a proof (invalid_dpop_proof)', async () => {
    const { server, time } = makeServer()
    const missing = await server.handle(
      tokenRequest('grant_type=client_credentials', { authorization: basic('bound', SECRET) }),
    )
    expect(missing?.status).toBe(400)
    expect(json(missing).error).toBe('invalid_dpop_proof')
    const pair = await keyPair()
    const ok = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('bound', SECRET),
        dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
      }),
    )
    expect(json(ok).token_type).toBe('DPoP')
  })

  it("tokenBinding 'none' issues Bearer tokens even with a valid proof, and still rejects an invalid one", async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const valid = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('plain', SECRET),
        dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
      }),
    )
    expect(json(valid).token_type).toBe('Bearer')
    const invalid = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('plain', SECRET),
        dpop: await proofFor(pair, 'https://elsewhere.example/token', time.seconds()),
      }),
    )
    expect(json(invalid).error).toBe('invalid_dpop_proof')
  })

  it('§4.3: never downgrades an invalid proof to Bearer (htu, htm, iat, replay, several headers)', async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const auth = { authorization: basic('service', SECRET) }
    const cases = [
      await proofFor(pair, 'https://as.example/other', time.seconds()),
      await proofFor(pair, TOKEN_URL, time.seconds(), { htm: 'GET' }),
      await proofFor(pair, TOKEN_URL, time.seconds() - 301),
      await proofFor(pair, TOKEN_URL, time.seconds() + 60),
      'not-a-jwt',
    ]
    for (const dpop of cases) {
      const response = await server.handle(tokenRequest('grant_type=client_credentials', { ...auth, dpop }))
      expect(response?.status).toBe(400)
      expect(json(response).error).toBe('invalid_dpop_proof')
    }
    const proof = await proofFor(pair, TOKEN_URL, time.seconds())
    const twice = await server.handle(
      tokenRequest('grant_type=client_credentials', { ...auth, dpop: [proof, proof] }),
    )
    expect(json(twice).error).toBe('invalid_dpop_proof')
    expect(
      json(await server.handle(tokenRequest('grant_type=client_credentials', { ...auth, dpop: proof })))
        .token_type,
    ).toBe('DPoP')
    const replay = await server.handle(
      tokenRequest('grant_type=client_credentials', { ...auth, dpop: proof }),
    )
    expect(json(replay).error).toBe('invalid_dpop_proof')
  })

  it('§11.1: honours proofTimeFrame and clockTolerance', async () => {
    const { server, time } = makeServer({ dpop: { proofTimeFrame: 30, clockTolerance: 0 } })
    const pair = await keyPair()
    const auth = { authorization: basic('service', SECRET) }
    const old = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        ...auth,
        dpop: await proofFor(pair, TOKEN_URL, time.seconds() - 31),
      }),
    )
    expect(json(old).error).toBe('invalid_dpop_proof')
    const future = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        ...auth,
        dpop: await proofFor(pair, TOKEN_URL, time.seconds() + 2),
      }),
    )
    expect(json(future).error).toBe('invalid_dpop_proof')
    const fresh = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        ...auth,
        dpop: await proofFor(pair, TOKEN_URL, time.seconds() - 29),
      }),
    )
    expect(json(fresh).token_type).toBe('DPoP')
  })

  it('rejects a proof algorithm outside the client allow-list', async () => {
    const { server, time } = makeServer({
      clients: [
        {
          clientId: 'rsa-only',
          clientSecret: SECRET,
          grantTypes: ['client_credentials'],
          allowedDPoPAlgorithms: ['PS256'],
        },
      ],
    })
    const pair = await keyPair()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('rsa-only', SECRET),
        dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
      }),
    )
    expect(json(response).error).toBe('invalid_dpop_proof')
  })

  it('jtiCacheTime keeps a jti longer than the proof window', async () => {
    const reservations: number[] = []
    const { server, time } = makeServer({
      dpop: { jtiCacheTime: 3600 },
      replayStore: {
        async reserve(_key, expiresAt) {
          reservations.push(expiresAt)
          return true
        },
      },
    })
    const pair = await keyPair()
    await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('service', SECRET),
        dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
      }),
    )
    expect(reservations).toEqual([time.now() + 3600 * 1000])
  })

  it('jtiCacheTime holds on the synchronous paths of a store too, which core prefers', async () => {
    const reservations: string[] = []
    const { server, time } = makeServer({
      dpop: { jtiCacheTime: 3600 },
      replayStore: {
        reserve: async () => false,
        reserveSync(_key, expiresAt) {
          reservations.push(`reserveSync ${expiresAt}`)
          return true
        },
        reserveProofSync(thumbprint, jti, expiresAt) {
          reservations.push(`reserveProofSync ${typeof thumbprint} ${typeof jti} ${expiresAt}`)
          return true
        },
      },
    })
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('service', SECRET),
        dpop: await proofFor(await keyPair(), TOKEN_URL, time.seconds()),
      }),
    )
    expect(response?.status).toBe(200)
    expect(reservations).toEqual([`reserveProofSync string string ${time.now() + 3600 * 1000}`])
  })

  it("RFC 9449 §11.1: the replay store receives the proof's iat, so a store that forgot can refuse it", async () => {
    const issued: (number | undefined)[] = []
    const { server, time } = makeServer({
      replayStore: {
        async reserve(_key, _expiresAt, issuedAt) {
          issued.push(issuedAt)
          return true
        },
      },
    })
    await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('service', SECRET),
        dpop: await proofFor(await keyPair(), TOKEN_URL, time.seconds()),
      }),
    )
    expect(issued).toEqual([time.seconds() * 1000])
  })
})

describe('RFC 9449 §8 authorization server-provided nonce', () => {
  it('challenges with use_dpop_nonce and DPoP-Nonce, then accepts the nonce', async () => {
    const { server, time } = makeServer({ dpop: { nonce: 'always' } })
    const pair = await keyPair()
    const auth = { authorization: basic('service', SECRET) }
    const first = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        ...auth,
        dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
      }),
    )
    expect(first?.status).toBe(400)
    expect(json(first).error).toBe('use_dpop_nonce')
    const nonce = first?.headers['DPoP-Nonce']
    expect(nonce).toBeTypeOf('string')
    expect(first?.headers['Cache-Control']).toBe('no-store')
    const second = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        ...auth,
        dpop: await proofFor(pair, TOKEN_URL, time.seconds(), { nonce: nonce as string }),
      }),
    )
    expect(second?.status, second?.body).toBe(200)
    expect(json(second).token_type).toBe('DPoP')
  })

  it('applies a per-client policy and a policy function', async () => {
    const time = clock()
    const nonceSource = createNonceSource({ secrets: [{ id: 'k', secret: 'x'.repeat(32) }], now: time.now })
    const { server } = makeServer({
      now: time.now,
      dpop: { nonce: (client) => client.clientId === 'bound', nonceSource },
      clients: [
        { clientId: 'service', clientSecret: SECRET, grantTypes: ['client_credentials'], nonce: 'always' },
        { clientId: 'bound', clientSecret: SECRET, grantTypes: ['client_credentials'] },
        { clientId: 'other', clientSecret: SECRET, grantTypes: ['client_credentials'] },
      ],
    })
    const pair = await keyPair()
    let nonce = ''
    for (const [clientId, expected] of [
      ['service', 'use_dpop_nonce'],
      ['bound', 'use_dpop_nonce'],
      ['other', undefined],
    ] as const) {
      const response = await server.handle(
        tokenRequest('grant_type=client_credentials', {
          authorization: basic(clientId, SECRET),
          dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
        }),
      )
      expect(json(response).error, clientId).toBe(expected)
      if (clientId === 'bound') nonce = response?.headers['DPoP-Nonce'] as string
    }
    expect(await nonceSource.verify(nonce, `authorization-server ${ISSUER}`)).toMatchObject({
      status: 'valid',
    })
    const accepted = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('bound', SECRET),
        dpop: await proofFor(pair, TOKEN_URL, time.seconds(), { nonce }),
      }),
    )
    expect(accepted?.status, accepted?.body).toBe(200)
  })
})

describe('failures of state', () => {
  it('answers 503 temporarily_unavailable when the replay store fails, issuing nothing', async () => {
    const { server, time } = makeServer({
      replayStore: {
        async reserve() {
          throw new Error('down')
        },
      },
    })
    const pair = await keyPair()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('service', SECRET),
        dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
      }),
    )
    expect(response?.status).toBe(503)
    expect(json(response)).toMatchObject({ error: 'temporarily_unavailable' })
    expect(response?.body).not.toContain('access_token')
  })

  it('answers 503 when storage fails', async () => {
    const storage = createMemoryStorage()
    storage.saveAccessToken = async () => {
      throw new Error('redis down')
    }
    const { server } = makeServer({ storage, accessTokenFormat: 'opaque' })
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', { authorization: basic('service', SECRET) }),
    )
    expect(response?.status).toBe(503)
    expect(json(response).error).toBe('temporarily_unavailable')
    expect(response?.headers['Retry-After']).toBe('1')
    expect(response?.body).not.toContain('redis')
  })

  it('answers 500 server_error without details for unexpected failures', async () => {
    const { server } = makeServer({
      signingKeys: [{ kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad', d: 'bad' }],
    })
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', { authorization: basic('service', SECRET) }),
    )
    expect(response?.status).toBe(500)
    expect(json(response)).toEqual({ error: 'server_error', error_description: 'internal server error' })
  })
})

describe('signing keys', () => {
  it('signs with the first configured key and publishes all (rotation)', async () => {
    const first = await generateKeyPair('ES256', { extractable: true })
    const second = await generateKeyPair('ES384', { extractable: true })
    const { server } = makeServer({
      signingKeys: [
        { ...(await exportJWK(first.privateKey)), kid: 'new' },
        { ...second, kid: 'old' },
      ],
    })
    const { keys } = await server.jwks()
    expect(keys.map((key) => key.kid)).toEqual(['new', 'old'])
    expect(keys.map((key) => key.alg)).toEqual(['ES256', 'ES384'])
    for (const key of keys) expect(key.d).toBeUndefined()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', { authorization: basic('service', SECRET) }),
    )
    expect(decodeProtectedHeader(json(response).access_token as string)).toMatchObject({
      kid: 'new',
      alg: 'ES256',
    })
  })
})
