import { createProof, isDPoPError } from '@dpop/core'
import type { JSONWebKeySet } from 'jose'
import { describe, expect, it } from 'vitest'
import { createResourceGuard, type ResourceGuardOptions } from '../resource-guard/index.js'
import { createMemoryStorage } from './memory-storage.js'
import type { Storage } from './storage.js'
import {
  basic,
  codeFlowTokens,
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

type Server = ReturnType<typeof makeServer>['server']
type Time = ReturnType<typeof makeServer>['time']
const API = `${ISSUER}/api`

/** A confidential client ('web') with DPoP-bound access tokens: refresh tokens bound to the client. */
async function setup(accessTokenFormat: 'jwt' | 'opaque', storage?: Storage) {
  const { server, time } = makeServer({ accessTokenFormat, ...(storage === undefined ? {} : { storage }) })
  const pair = await keyPair()
  const dpop = () => proofFor(pair, TOKEN_URL, time.seconds())
  const first = await codeFlowTokens(server, 'web', await dpop())
  if (typeof first.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(first)}`)
  return { server, time, pair, dpop, first }
}

async function refresh(server: Server, refreshToken: string, dpop: string) {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: 'web',
    client_secret: SECRET,
  })
  return server.handle(request('POST', TOKEN_URL, { headers: { dpop }, body: body.toString() }))
}

async function introspect(server: Server, token: string, hint?: string) {
  const body = new URLSearchParams({ token, ...(hint === undefined ? {} : { token_type_hint: hint }) })
  const response = await server.handle(
    request('POST', `${ISSUER}/introspect`, {
      headers: { authorization: basic('service', SECRET) },
      body: body.toString(),
    }),
  )
  expect(response?.status).toBe(200)
  return json(response).active
}

async function revoke(server: Server, token: string, hint?: string) {
  const body = new URLSearchParams({
    token,
    client_id: 'web',
    client_secret: SECRET,
    ...(hint === undefined ? {} : { token_type_hint: hint }),
  })
  const response = await server.handle(request('POST', `${ISSUER}/revoke`, { body: body.toString() }))
  expect(response?.status).toBe(200)
}

/** A resource guard that introspects at, or holds the key set of, the authorization server's handler. */
async function guardFor(server: Server, time: Time, mode: 'introspection' | 'jwks') {
  const bridge: typeof fetch = async (input, init) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries())
    const answer = await server.handle(
      request(init?.method ?? 'GET', String(input), {
        headers,
        ...(typeof init?.body === 'string' ? { body: init.body } : {}),
      }),
    )
    if (answer === undefined) return new Response('', { status: 404 })
    return new Response(answer.body, { status: answer.status, headers: answer.headers })
  }
  const verification: Partial<ResourceGuardOptions> =
    mode === 'introspection'
      ? {
          introspection: {
            endpoint: `${ISSUER}/introspect`,
            clientId: 'service',
            clientSecret: SECRET,
            fetch: bridge,
          },
        }
      : { jwks: json(await server.handle(request('GET', `${ISSUER}/jwks`))) as unknown as JSONWebKeySet }
  return createResourceGuard({
    resource: API,
    issuer: ISSUER,
    audience: ISSUER,
    tokenCache: false,
    now: time.now,
    ...verification,
  } as ResourceGuardOptions)
}

async function callApi(
  guard: ReturnType<typeof createResourceGuard>,
  pair: CryptoKeyPair,
  time: Time,
  token: string,
) {
  const dpop = await createProof(pair, { htm: 'GET', htu: API, iat: time.seconds(), accessToken: token })
  const headers = new Map([
    ['authorization', `DPoP ${token}`],
    ['dpop', dpop],
  ])
  try {
    await guard.authenticate({ method: 'GET', url: API, header: (name) => headers.get(name.toLowerCase()) })
    return 'accepted'
  } catch (error) {
    if (!isDPoPError(error)) throw error
    return { status: error.status, code: error.code, reason: error.reason }
  }
}

describe('RFC 9700 §4.14.2, §2.2.2 / RFC 6749 §10.5: reuse of a rotated refresh token revokes the whole grant', () => {
  for (const format of ['jwt', 'opaque'] as const) {
    it(`every ${format} access token and every refresh token of the grant is inactive at introspection`, async () => {
      const { server, dpop, first } = await setup(format)
      const second = json(await refresh(server, first.refresh_token as string, await dpop()))
      const third = json(await refresh(server, second.refresh_token as string, await dpop()))
      const accessTokens = [first, second, third].map((tokens) => tokens.access_token as string)
      for (const token of accessTokens) expect(await introspect(server, token)).toBe(true)

      const reuse = await refresh(server, first.refresh_token as string, await dpop())
      expect(reuse?.status).toBe(400)
      expect(json(reuse).error).toBe('invalid_grant')

      for (const token of accessTokens) expect(await introspect(server, token)).toBe(false)
      // The access token whose grant id says which grant it belongs to, when it is a JWT.
      if (format === 'jwt') expect(decodeJwtPayload(accessTokens[0] as string).grant_id).toBeTypeOf('string')
      expect(await introspect(server, third.refresh_token as string, 'refresh_token')).toBe(false)
      const newest = await refresh(server, third.refresh_token as string, await dpop())
      expect(json(newest).error).toBe('invalid_grant')
      expect(json(newest).access_token).toBeUndefined()
    })
  }

  it('an opaque-token guard that introspects refuses the access tokens of the grant (invalid_token, token_inactive)', async () => {
    const { server, time, pair, dpop, first } = await setup('opaque')
    const guard = await guardFor(server, time, 'introspection')
    const second = json(await refresh(server, first.refresh_token as string, await dpop()))
    for (const tokens of [first, second])
      expect(await callApi(guard, pair, time, tokens.access_token as string)).toBe('accepted')

    await refresh(server, first.refresh_token as string, await dpop())

    for (const tokens of [first, second]) {
      expect(await callApi(guard, pair, time, tokens.access_token as string)).toEqual({
        status: 401,
        code: 'invalid_token',
        reason: 'token_inactive',
      })
    }
  })

  it('a guard that verifies JWTs locally keeps accepting them until exp: revocation reaches it only by introspection', async () => {
    const { server, time, pair, dpop, first } = await setup('jwt')
    const local = await guardFor(server, time, 'jwks')
    const introspecting = await guardFor(server, time, 'introspection')
    await refresh(server, first.refresh_token as string, await dpop())
    await refresh(server, first.refresh_token as string, await dpop())
    const token = first.access_token as string
    expect(await callApi(local, pair, time, token)).toBe('accepted')
    expect(await callApi(introspecting, pair, time, token)).toEqual({
      status: 401,
      code: 'invalid_token',
      reason: 'token_inactive',
    })
    time.advance(3601)
    expect(await callApi(local, pair, time, token)).toMatchObject({ status: 401, code: 'invalid_token' })
  })

  it('leaves other grants of the same client and user alone', async () => {
    const { server, dpop, first } = await setup('jwt')
    const other = await codeFlowTokens(server, 'web', await dpop())
    await refresh(server, first.refresh_token as string, await dpop())
    await refresh(server, first.refresh_token as string, await dpop())
    expect(await introspect(server, first.access_token as string)).toBe(false)
    expect(await introspect(server, other.access_token as string)).toBe(true)
    expect((await refresh(server, other.refresh_token as string, await dpop()))?.status).toBe(200)
  })

  for (const format of ['jwt', 'opaque'] as const) {
    it(`a reuse racing the rotation of the current token leaves no ${format} access token of the grant active`, async () => {
      for (let round = 0; round < 5; round++) {
        const { server, dpop, first } = await setup(format)
        const second = json(await refresh(server, first.refresh_token as string, await dpop()))
        const [reuse, rotation] = await Promise.all([
          refresh(server, first.refresh_token as string, await dpop()),
          refresh(server, second.refresh_token as string, await dpop()),
        ])
        expect(json(reuse).error).toBe('invalid_grant')
        const issued = [first, second, json(rotation)]
          .map((tokens) => tokens.access_token)
          .filter((token): token is string => typeof token === 'string')
        for (const token of issued) expect(await introspect(server, token)).toBe(false)
        const successor = json(rotation).refresh_token
        if (typeof successor === 'string') {
          expect(json(await refresh(server, successor, await dpop())).error).toBe('invalid_grant')
        }
      }
    })
  }

  it('a rotation that completes after the grant was revoked answers invalid_grant, not tokens', async () => {
    const storage = createMemoryStorage()
    const { server, dpop, first } = await setup('opaque', storage)
    // The reuse lands between this rotation's check and its answer (another instance, a slow request).
    const saveRefreshToken = storage.saveRefreshToken.bind(storage)
    storage.saveRefreshToken = async (hash, record) => {
      await storage.revokeGrant(record.grantId, Date.now() + 60_000)
      return saveRefreshToken(hash, record)
    }
    const response = await refresh(server, first.refresh_token as string, await dpop())
    expect(response?.status).toBe(400)
    expect(json(response)).toMatchObject({ error: 'invalid_grant' })
    expect(json(response).access_token).toBeUndefined()
  })
})

describe('RFC 7009 §2.1: revoking a refresh token invalidates the access tokens of its grant', () => {
  for (const format of ['jwt', 'opaque'] as const) {
    it(`revokes every ${format} access token of the grant`, async () => {
      const { server, dpop, first } = await setup(format)
      const second = json(await refresh(server, first.refresh_token as string, await dpop()))
      await revoke(server, second.refresh_token as string, 'refresh_token')
      for (const tokens of [first, second])
        expect(await introspect(server, tokens.access_token as string)).toBe(false)
      expect(json(await refresh(server, second.refresh_token as string, await dpop())).error).toBe(
        'invalid_grant',
      )
    })
  }

  it('revoking an access token revokes only that token', async () => {
    const { server, dpop, first } = await setup('jwt')
    const second = json(await refresh(server, first.refresh_token as string, await dpop()))
    await revoke(server, first.access_token as string, 'access_token')
    expect(await introspect(server, first.access_token as string)).toBe(false)
    expect(await introspect(server, second.access_token as string)).toBe(true)
    expect((await refresh(server, second.refresh_token as string, await dpop()))?.status).toBe(200)
  })
})

describe('RFC 7662 §2.2: a grant revocation that storage cannot answer', () => {
  it('answers 503 temporarily_unavailable at introspection, never active', async () => {
    const storage = createMemoryStorage()
    const { server, first } = await setup('jwt', storage)
    storage.isGrantRevoked = async () => {
      throw new Error('down')
    }
    const response = await server.handle(
      request('POST', `${ISSUER}/introspect`, {
        headers: { authorization: basic('service', SECRET) },
        body: new URLSearchParams({ token: first.access_token as string }).toString(),
      }),
    )
    expect(response?.status).toBe(503)
    expect(json(response)).toMatchObject({ error: 'temporarily_unavailable' })
    expect(response?.body).not.toContain('"active":true')
  })
})
