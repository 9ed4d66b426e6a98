import { createNonceSource, type DPoPError, isDPoPError, parseWWWAuthenticate } from '@dpop/core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  type AccessTokenClaims,
  createNeutralRequest,
  createResourceGuard,
  type ResourceGuardOptions,
} from './index.js'
import {
  AUDIENCE,
  type ClientKey,
  clientKey,
  ISSUER,
  mintToken,
  proof,
  request,
  type SigningKey,
  signingKey,
  URL_,
} from './test-helpers.js'

let asKey: SigningKey
let otherKey: SigningKey
let alice: ClientKey
let mallory: ClientKey
const NOW = 1_760_000_000_000

beforeAll(async () => {
  ;[asKey, otherKey, alice, mallory] = await Promise.all([
    signingKey('as-1'),
    signingKey('other'),
    clientKey(),
    clientKey(),
  ])
})

function guard(options: Partial<ResourceGuardOptions> = {}) {
  return createResourceGuard({
    jwks: { keys: [asKey.jwk] },
    issuer: ISSUER,
    audience: AUDIENCE,
    now: () => NOW,
    ...options,
  } as ResourceGuardOptions)
}

/** A guard whose tokens are verified by a custom function instead of a JWKS. */
function customGuard(options: Partial<ResourceGuardOptions>) {
  return createResourceGuard({ now: () => NOW, ...options })
}

async function rejection(promise: Promise<unknown>): Promise<DPoPError> {
  try {
    await promise
  } catch (error) {
    if (isDPoPError(error)) return error
    throw error
  }
  throw new Error('expected a DPoPError')
}

function challengeOf(error: DPoPError) {
  return parseWWWAuthenticate(error.headers['WWW-Authenticate'] as string)
}

async function dpopRequest(options: { token?: string; client?: ClientKey; now?: number } = {}) {
  const token = options.token ?? (await mintToken(asKey, { jkt: alice.jkt, now: NOW }))
  const dpop = await proof(options.client ?? alice, { accessToken: token, now: options.now ?? NOW })
  return { token, dpop, request: request({ Authorization: `DPoP ${token}`, DPoP: dpop }) }
}

describe('RFC 9449 §7.1 DPoP-bound access token at a resource', () => {
  it('accepts a valid token with a valid proof and returns the key thumbprint', async () => {
    const { token, request: req } = await dpopRequest()
    const result = await guard().authenticate(req)
    expect(result.scheme).toBe('DPoP')
    expect(result.thumbprint).toBe(alice.jkt)
    expect(result.accessToken).toBe(token)
    expect(result.claims.sub).toBe('user-1')
    expect(result.responseHeaders).toEqual({})
  })

  it('accepts the scheme name case-insensitively', async () => {
    const { token, dpop } = await dpopRequest()
    const result = await guard().authenticate(request({ Authorization: `dpop ${token}`, DPoP: dpop }))
    expect(result.thumbprint).toBe(alice.jkt)
  })

  it('answers a request without credentials with 401 and a bare challenge carrying algs', async () => {
    const g = guard()
    const error = await rejection(g.authenticate(request({})))
    expect(error.status).toBe(401)
    expect(error.headers['WWW-Authenticate']).toBe(
      'DPoP algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA Ed25519 Ed448"',
    )
    const response = g.toResponse(error)
    expect(response.status).toBe(401)
    expect(response.body).toBe('')
  })

  it('treats an unknown scheme as missing credentials', async () => {
    const error = await rejection(guard().authenticate(request({ Authorization: 'Basic dXNlcjpwYXNz' })))
    expect(error.status).toBe(401)
    expect(challengeOf(error)[0]?.params.error).toBeUndefined()
  })

  it('advertises the configured algorithms', async () => {
    const error = await rejection(guard({ algorithms: ['ES256', 'EdDSA'] }).authenticate(request({})))
    expect(error.headers['WWW-Authenticate']).toBe('DPoP algs="ES256 EdDSA"')
  })

  it('rejects a DPoP-scheme token that is not bound (no cnf.jkt)', async () => {
    const token = await mintToken(asKey, { now: NOW })
    const dpop = await proof(alice, { accessToken: token, now: NOW })
    const error = await rejection(
      guard().authenticate(request({ Authorization: `DPoP ${token}`, DPoP: dpop })),
    )
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_token')
    expect(error.reason).toBe('token_not_bound')
  })

  it('rejects a proof made with another key (jkt_mismatch)', async () => {
    const { request: req } = await dpopRequest({ client: mallory })
    const error = await rejection(guard().authenticate(req))
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_token')
    expect(error.reason).toBe('jkt_mismatch')
    expect(challengeOf(error)[0]?.params.error).toBe('invalid_token')
  })

  it('rejects a proof without ath or with the hash of another token', async () => {
    const token = await mintToken(asKey, { jkt: alice.jkt, now: NOW })
    const other = await mintToken(asKey, { jkt: alice.jkt, now: NOW })
    const g = guard()
    const missing = await proof(alice, { now: NOW })
    const wrong = await proof(alice, { accessToken: other, now: NOW })
    for (const dpop of [missing, wrong]) {
      const error = await rejection(g.authenticate(request({ Authorization: `DPoP ${token}`, DPoP: dpop })))
      expect(error.status).toBe(401)
      expect(error.code).toBe('invalid_dpop_proof')
      expect(error.reason).toBe('ath')
    }
  })

  it('rejects a request without a DPoP header', async () => {
    const token = await mintToken(asKey, { jkt: alice.jkt, now: NOW })
    const error = await rejection(guard().authenticate(request({ Authorization: `DPoP ${token}` })))
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_dpop_proof')
  })

  it('rejects htu and htm mismatches', async () => {
    const token = await mintToken(asKey, { jkt: alice.jkt, now: NOW })
    const g = guard()
    const wrongUrl = await proof(alice, {
      accessToken: token,
      htu: 'https://api.example.com/v1/other',
      now: NOW,
    })
    const byUrl = await rejection(g.authenticate(request({ Authorization: `DPoP ${token}`, DPoP: wrongUrl })))
    expect(byUrl.reason).toBe('htu')
    const wrongMethod = await proof(alice, { accessToken: token, htm: 'POST', now: NOW })
    const byMethod = await rejection(
      g.authenticate(request({ Authorization: `DPoP ${token}`, DPoP: wrongMethod })),
    )
    expect(byMethod.reason).toBe('htm')
    expect(byMethod.status).toBe(401)
  })

  it('rejects a replayed proof (§11.1)', async () => {
    const { request: req } = await dpopRequest()
    const g = guard()
    await g.authenticate(req)
    const error = await rejection(g.authenticate(req))
    expect(error.reason).toBe('replay')
    expect(error.status).toBe(401)
  })

  it('RFC 9110 §10.2.3: a replay store that is down answers 503 with Retry-After and no challenge', async () => {
    const { request: req } = await dpopRequest()
    const g = guard({
      replayStore: {
        reserve: async () => {
          throw new Error('store down')
        },
      },
    })
    const response = g.toResponse(await rejection(g.authenticate(req)))
    expect(response.status).toBe(503)
    expect(response.headers['Retry-After']).toBe('1')
    expect(response.headers['WWW-Authenticate']).toBeUndefined()
  })

  it("RFC 9449 §11.1: the replay store receives the proof's iat, observed or not", async () => {
    for (const onEvent of [undefined, () => {}]) {
      const issued: (number | undefined)[] = []
      const { request: req } = await dpopRequest()
      const g = guard({
        ...(onEvent === undefined ? {} : { onEvent }),
        replayStore: {
          reserve: async (_key, _expiresAt, issuedAt) => {
            issued.push(issuedAt)
            return true
          },
        },
      })
      await g.authenticate(req)
      expect(issued).toEqual([Math.floor(NOW / 1000) * 1000])
    }
  })

  it('rejects two DPoP headers (§4.3 step 1)', async () => {
    const { token, dpop } = await dpopRequest()
    const second = await proof(alice, { accessToken: token, now: NOW })
    const error = await rejection(
      guard().authenticate(request({ Authorization: `DPoP ${token}`, DPoP: [dpop, second] })),
    )
    expect(error.code).toBe('invalid_dpop_proof')
    expect(error.reason).toBe('header_multiple')
  })

  it('rejects two Authorization headers with 400 invalid_request', async () => {
    const { token, dpop } = await dpopRequest()
    const error = await rejection(
      guard().authenticate(request({ Authorization: [`DPoP ${token}`, `DPoP ${token}`], DPoP: dpop })),
    )
    expect(error.status).toBe(400)
    expect(error.code).toBe('invalid_request')
    expect(error.reason).toBe('header_multiple')
  })

  it('rejects an Authorization header Node would have dropped, seen through rawHeaders', async () => {
    const { token, dpop } = await dpopRequest()
    const req = createNeutralRequest('GET', URL_, { authorization: `DPoP ${token}`, dpop }, [
      'Authorization',
      `DPoP ${token}`,
      'Authorization',
      'DPoP other',
      'DPoP',
      dpop,
    ])
    const error = await rejection(guard().authenticate(req))
    expect(error.status).toBe(400)
    expect(error.reason).toBe('header_multiple')
  })

  it('rejects two Authorization headers folded by a Fetch Headers object', async () => {
    const { token, dpop } = await dpopRequest()
    const headers = new Headers({ DPoP: dpop })
    headers.append('Authorization', `DPoP ${token}`)
    headers.append('Authorization', `DPoP ${token}`)
    const error = await rejection(guard().authenticate(createNeutralRequest('GET', URL_, headers)))
    expect(error.status).toBe(400)
    expect(error.code).toBe('invalid_request')
  })

  it('rejects a malformed Authorization header with 400 invalid_request', async () => {
    const error = await rejection(guard().authenticate(request({ Authorization: 'DPoP a b' })))
    expect(error.status).toBe(400)
    expect(error.code).toBe('invalid_request')
  })
})

describe('RFC 9449 §7.2 Bearer compatibility', () => {
  it('rejects a bound token sent as Bearer (downgrade) when Bearer is off', async () => {
    const { token, dpop } = await dpopRequest()
    const error = await rejection(
      guard().authenticate(request({ Authorization: `Bearer ${token}`, DPoP: dpop })),
    )
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_token')
  })

  it('rejects a bound token sent as Bearer in mixed mode, even with a valid proof', async () => {
    const { token, dpop } = await dpopRequest()
    const error = await rejection(
      guard({ allowBearer: true }).authenticate(request({ Authorization: `Bearer ${token}`, DPoP: dpop })),
    )
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_token')
    expect(error.reason).toBe('token_bound')
  })

  it('accepts an unbound Bearer token in mixed mode and offers both challenges', async () => {
    const g = guard({ allowBearer: true, realm: 'api' })
    const token = await mintToken(asKey, { now: NOW })
    const result = await g.authenticate(request({ Authorization: `Bearer ${token}` }))
    expect(result.scheme).toBe('Bearer')
    expect(result.thumbprint).toBeUndefined()
    const error = await rejection(g.authenticate(request({})))
    expect(challengeOf(error).map((challenge) => challenge.scheme)).toEqual(['DPoP', 'Bearer'])
    expect(challengeOf(error)[1]?.params.realm).toBe('api')
  })

  it('rejects a token bound by a confirmation method it cannot check (mTLS x5t#S256) in mixed mode', async () => {
    const verifyAccessToken = async () => ({
      sub: 'user-1',
      client_id: 'client-1',
      exp: Math.floor(NOW / 1000) + 60,
      cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
    })
    const g = createResourceGuard({ verifyAccessToken, allowBearer: true, now: () => NOW })
    const error = await rejection(g.authenticate(request({ Authorization: 'Bearer opaque-token' })))
    expect(error.code).toBe('invalid_token')
    expect(error.reason).toBe('cnf_unsupported')
  })

  it('ignores a DPoP header sent with an unbound Bearer token in mixed mode', async () => {
    const token = await mintToken(asKey, { now: NOW })
    const dpop = await proof(mallory, { accessToken: token, now: NOW })
    const result = await guard({ allowBearer: true }).authenticate(
      request({ Authorization: `Bearer ${token}`, DPoP: dpop }),
    )
    expect(result.scheme).toBe('Bearer')
    expect(result.thumbprint).toBeUndefined()
  })

  it('rejects an unbound Bearer token when Bearer is off', async () => {
    const token = await mintToken(asKey, { now: NOW })
    const error = await rejection(guard().authenticate(request({ Authorization: `Bearer ${token}` })))
    expect(error.code).toBe('invalid_token')
    expect(error.reason).toBe('bearer_not_allowed')
  })
})

describe('RFC 9449 §9 resource server nonces', () => {
  const source = createNonceSource({ secrets: [{ id: 'k1', secret: 'x'.repeat(32) }], now: () => NOW })

  it('answers use_dpop_nonce with a DPoP-Nonce, then accepts the proof carrying it', async () => {
    const g = guard({ nonce: { source } })
    const token = await mintToken(asKey, { jkt: alice.jkt, now: NOW })
    const first = await proof(alice, { accessToken: token, now: NOW })
    const error = await rejection(g.authenticate(request({ Authorization: `DPoP ${token}`, DPoP: first })))
    expect(error.status).toBe(401)
    expect(error.code).toBe('use_dpop_nonce')
    const nonce = error.headers['DPoP-Nonce']
    expect(nonce).toBeTypeOf('string')
    expect(challengeOf(error)[0]?.params.error).toBe('use_dpop_nonce')
    const second = await proof(alice, { accessToken: token, nonce: nonce as string, now: NOW })
    const result = await g.authenticate(request({ Authorization: `DPoP ${token}`, DPoP: second }))
    expect(result.thumbprint).toBe(alice.jkt)
  })

  it('applies a nonce policy of the request', async () => {
    const g = guard({ nonce: { source, required: (req) => req.method === 'POST' } })
    const token = await mintToken(asKey, { jkt: alice.jkt, now: NOW })
    const get = await proof(alice, { accessToken: token, now: NOW })
    await expect(
      g.authenticate(request({ Authorization: `DPoP ${token}`, DPoP: get })),
    ).resolves.toBeDefined()
    const post = await proof(alice, { accessToken: token, htm: 'POST', now: NOW })
    const error = await rejection(
      g.authenticate(request({ Authorization: `DPoP ${token}`, DPoP: post }, 'POST')),
    )
    expect(error.code).toBe('use_dpop_nonce')
  })

  it('hands out a fresh nonce in responseHeaders when the one used expires soon', async () => {
    const firstToken = await mintToken(asKey, { jkt: alice.jkt, now: NOW })
    const challenge = await rejection(
      guard({ nonce: { source } }).authenticate(
        request({
          Authorization: `DPoP ${firstToken}`,
          DPoP: await proof(alice, { accessToken: firstToken, now: NOW }),
        }),
      ),
    )
    const issued = challenge.headers['DPoP-Nonce'] as string
    const later = NOW + 4 * 60_000 // step 60 s, window 5: the last step of its life
    const laterSource = createNonceSource({
      secrets: [{ id: 'k1', secret: 'x'.repeat(32) }],
      now: () => later,
    })
    const token = await mintToken(asKey, { jkt: alice.jkt, now: later })
    const dpop = await proof(alice, { accessToken: token, nonce: issued, now: later })
    const result = await guard({ nonce: { source: laterSource }, now: () => later }).authenticate(
      request({ Authorization: `DPoP ${token}`, DPoP: dpop }),
    )
    expect(result.responseHeaders['DPoP-Nonce']).toBeTypeOf('string')
    expect(result.responseHeaders['DPoP-Nonce']).not.toBe(issued)
  })
})

describe('RFC 6750 §3.1 insufficient_scope', () => {
  it('answers 403 with the scope needed, from the guard and the call', async () => {
    const g = guard({ requiredScopes: ['read'] })
    const token = await mintToken(asKey, { jkt: alice.jkt, scope: 'read', now: NOW })
    const ok = await proof(alice, { accessToken: token, now: NOW })
    await expect(g.authenticate(request({ Authorization: `DPoP ${token}`, DPoP: ok }))).resolves.toBeDefined()
    const again = await proof(alice, { accessToken: token, now: NOW })
    const error = await rejection(
      g.authenticate(request({ Authorization: `DPoP ${token}`, DPoP: again }), { requiredScopes: ['write'] }),
    )
    expect(error.status).toBe(403)
    expect(error.code).toBe('insufficient_scope')
    expect(challengeOf(error)[0]?.params.scope).toBe('read write')
    const response = g.toResponse(error)
    expect(response.status).toBe(403)
    expect(JSON.parse(response.body)).toEqual({
      error: 'insufficient_scope',
      error_description: 'insufficient scope',
    })
  })

  it('rejects a token without the guard-wide scope', async () => {
    const { request: req } = await dpopRequest()
    const error = await rejection(guard({ requiredScopes: ['admin'] }).authenticate(req))
    expect(error.status).toBe(403)
  })
})

describe('RFC 9068 JWT access token verification', () => {
  it('rejects an expired token with reason token_expired', async () => {
    const token = await mintToken(asKey, { jkt: alice.jkt, now: NOW - 3_600_000, expiresIn: 60 })
    const { request: req } = await dpopRequest({ token })
    const error = await rejection(guard().authenticate(req))
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_token')
    expect(error.reason).toBe('token_expired')
    expect(error.description).toBe('access token expired')
  })

  it('rejects a cached token once it expires on the injected clock', async () => {
    let clock = NOW
    const g = guard({ now: () => clock })
    const token = await mintToken(asKey, { jkt: alice.jkt, now: NOW, expiresIn: 60 })
    await g.authenticate((await dpopRequest({ token })).request)
    clock = NOW + 61_000
    const error = await rejection(g.authenticate((await dpopRequest({ token, now: clock })).request))
    expect(error.reason).toBe('token_expired')
  })

  it('rejects a token signed by another key', async () => {
    const token = await mintToken({ ...otherKey, kid: 'as-1' }, { jkt: alice.jkt, now: NOW })
    const error = await rejection(guard().authenticate((await dpopRequest({ token })).request))
    expect(error.code).toBe('invalid_token')
    expect(error.reason).toBe('token_signature')
    expect(error.description).toBe('access token invalid')
  })

  it('rejects a wrong issuer or audience', async () => {
    const byIssuer = await mintToken(asKey, { jkt: alice.jkt, issuer: 'https://evil.example', now: NOW })
    const byAudience = await mintToken(asKey, { jkt: alice.jkt, audience: 'https://other.example', now: NOW })
    const g = guard()
    expect((await rejection(g.authenticate((await dpopRequest({ token: byIssuer })).request))).reason).toBe(
      'token_issuer',
    )
    expect((await rejection(g.authenticate((await dpopRequest({ token: byAudience })).request))).reason).toBe(
      'token_audience',
    )
  })

  it('requires typ at+jwt unless requireAccessTokenType is false', async () => {
    const token = await mintToken(asKey, { jkt: alice.jkt, typ: 'JWT', now: NOW })
    const error = await rejection(guard().authenticate((await dpopRequest({ token })).request))
    expect(error.reason).toBe('token_type')
    const result = await guard({ requireAccessTokenType: false }).authenticate(
      (await dpopRequest({ token })).request,
    )
    expect(result.thumbprint).toBe(alice.jkt)
  })

  it('rejects a token that is not a JWT', async () => {
    const error = await rejection(
      guard().authenticate((await dpopRequest({ token: 'opaque-token' })).request),
    )
    expect(error.code).toBe('invalid_token')
    expect(error.reason).toBe('token_malformed')
  })

  it('rejects cnf.jkt of the wrong type', async () => {
    const claims: AccessTokenClaims = { cnf: { jkt: 42 as unknown as string }, exp: NOW / 1000 + 60 }
    const g = customGuard({ verifyAccessToken: async () => claims })
    const error = await rejection(g.authenticate((await dpopRequest({ token: 'opaque' })).request))
    expect(error.reason).toBe('cnf_invalid')
  })
})

describe('RFC 9728 §5.1 resource_metadata', () => {
  const resourceMetadata = {
    resource: 'https://api.example.com/v1',
    authorizationServers: [ISSUER],
    scopesSupported: ['read', 'write'],
  }

  it('adds resource_metadata with the well-known URL of the resource (§3.1)', async () => {
    const g = guard({ resourceMetadata })
    const error = await rejection(g.authenticate(request({})))
    expect(challengeOf(error)[0]?.params.resource_metadata).toBe(
      'https://api.example.com/.well-known/oauth-protected-resource/v1',
    )
  })

  it('uses documentUrl when given', async () => {
    const g = guard({
      resourceMetadata: { ...resourceMetadata, documentUrl: 'https://api.example.com/meta' },
    })
    const error = await rejection(g.authenticate((await dpopRequest({ client: mallory })).request))
    expect(challengeOf(error)[0]?.params.resource_metadata).toBe('https://api.example.com/meta')
  })

  it('builds the metadata document (RFC 9728 §2, RFC 9449 §5.2)', () => {
    expect(guard({ resourceMetadata, algorithms: ['ES256'] }).metadata()).toEqual({
      resource: 'https://api.example.com/v1',
      authorization_servers: [ISSUER],
      scopes_supported: ['read', 'write'],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['ES256'],
      dpop_bound_access_tokens_required: true,
    })
    expect(guard({ resourceMetadata, allowBearer: true }).metadata().dpop_bound_access_tokens_required).toBe(
      false,
    )
    expect(() => guard().metadata()).toThrow(TypeError)
  })

  it('RFC 9728 §2: advertises every default algorithm, RFC 9864 Ed25519 and Ed448 included', () => {
    expect(guard({ resourceMetadata }).metadata().dpop_signing_alg_values_supported).toEqual([
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
    ])
  })
})

describe('verified token cache', () => {
  it('verifies a token once across requests (custom verifier)', async () => {
    let calls = 0
    const g = customGuard({
      verifyAccessToken: async () => {
        calls++
        return { sub: 'user-1', exp: NOW / 1000 + 600, cnf: { jkt: alice.jkt } }
      },
    })
    await g.authenticate((await dpopRequest({ token: 'opaque-1' })).request)
    await g.authenticate((await dpopRequest({ token: 'opaque-1' })).request)
    expect(calls).toBe(1)
    await g.authenticate((await dpopRequest({ token: 'opaque-2' })).request)
    expect(calls).toBe(2)
  })

  it('verifies on every request with tokenCache false, and concurrent requests share one verification', async () => {
    let calls = 0
    const verifyAccessToken = async () => {
      calls++
      return { exp: NOW / 1000 + 600, cnf: { jkt: alice.jkt } }
    }
    const uncached = customGuard({ verifyAccessToken, tokenCache: false })
    await uncached.authenticate((await dpopRequest({ token: 'opaque' })).request)
    await uncached.authenticate((await dpopRequest({ token: 'opaque' })).request)
    expect(calls).toBe(2)
    calls = 0
    const cached = customGuard({ verifyAccessToken })
    const requests = await Promise.all([dpopRequest({ token: 'same' }), dpopRequest({ token: 'same' })])
    await Promise.all(requests.map(({ request: req }) => cached.authenticate(req)))
    expect(calls).toBe(1)
  })

  it('maps a failing custom verifier to invalid_token and checks exp, iss and aud of its claims', async () => {
    const failing = customGuard({
      verifyAccessToken: async () => {
        throw new Error('secret detail')
      },
    })
    const error = await rejection(failing.authenticate((await dpopRequest({ token: 'x' })).request))
    expect(error.code).toBe('invalid_token')
    expect(error.message).not.toContain('secret detail')
    const expired = customGuard({
      verifyAccessToken: async () => ({ exp: NOW / 1000 - 1, cnf: { jkt: alice.jkt } }),
    })
    expect((await rejection(expired.authenticate((await dpopRequest({ token: 'x' })).request))).reason).toBe(
      'token_expired',
    )
    const wrongAudience = customGuard({
      audience: AUDIENCE,
      verifyAccessToken: async () => ({ aud: 'https://other.example', cnf: { jkt: alice.jkt } }),
    })
    expect(
      (await rejection(wrongAudience.authenticate((await dpopRequest({ token: 'x' })).request))).reason,
    ).toBe('token_audience')
  })
})

describe('createResourceGuard options', () => {
  it('throws TypeError unless exactly one verification mode is given', () => {
    expect(() => createResourceGuard({})).toThrow(/exactly one/)
    expect(() =>
      createResourceGuard({
        jwks: { keys: [] },
        issuer: ISSUER,
        audience: AUDIENCE,
        verifyAccessToken: async () => ({}),
      }),
    ).toThrow(/exactly one/)
  })

  it('throws TypeError for JWT mode without issuer or audience, and for bad values', () => {
    expect(() => createResourceGuard({ jwks: { keys: [] }, audience: AUDIENCE })).toThrow(/issuer/)
    expect(() => createResourceGuard({ jwks: { keys: [] }, issuer: ISSUER })).toThrow(/audience/)
    expect(() => createResourceGuard({ jwksUri: 'not a url', issuer: ISSUER, audience: AUDIENCE })).toThrow(
      TypeError,
    )
    expect(() => guard({ algorithms: ['HS256'] })).toThrow(TypeError)
    expect(() => guard({ requiredScopes: ['a b'] })).toThrow(/requiredScopes/)
    expect(() => guard({ resourceMetadata: { resource: 'https://api.example.com/#x' } })).toThrow(/fragment/)
    expect(() => guard({ tokenCache: { maxEntries: 0 } })).toThrow(/maxEntries/)
  })

  it('toResponse rethrows errors that are not DPoPErrors', () => {
    const boom = new Error('boom')
    expect(() => guard().toResponse(boom)).toThrow(boom)
  })

  it('uses the request URL given, so a proof for the public URL passes', async () => {
    const { token, dpop } = await dpopRequest()
    const req = request({ Authorization: `DPoP ${token}`, DPoP: dpop }, 'GET', `${URL_}?page=2`)
    await expect(guard().authenticate(req)).resolves.toBeDefined()
  })
})
