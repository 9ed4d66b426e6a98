import { calculateJwkThumbprint, exportJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import type { DPoPServerEvent } from '../observability/index.js'
import { loggerSpy } from '../observability/test-logger.js'
import type { AuthorizationServerConfig } from './config.js'
import { createMemoryStorage } from './memory-storage.js'
import {
  authorizationCode,
  basic,
  ISSUER,
  json,
  keyPair,
  makeServer,
  proofFor,
  REDIRECT_URI,
  request,
  SECRET,
  TOKEN_URL,
} from './test-support.js'

type Server = ReturnType<typeof makeServer>['server']

function observedServer(overrides: Partial<AuthorizationServerConfig> = {}) {
  const events: DPoPServerEvent[] = []
  const made = makeServer({
    onEvent: (event) => {
      events.push(event)
    },
    ...overrides,
  })
  return { ...made, events }
}

function clientCredentials(server: Server, dpop?: string) {
  return server.handle(
    request('POST', TOKEN_URL, {
      headers: { authorization: basic('service', SECRET), ...(dpop === undefined ? {} : { dpop }) },
      body: 'grant_type=client_credentials',
    }),
  )
}

function tokenRequest(server: Server, parameters: Record<string, string>, dpop?: string) {
  return server.handle(
    request('POST', TOKEN_URL, {
      headers: dpop === undefined ? {} : { dpop },
      body: new URLSearchParams(parameters).toString(),
    }),
  )
}

const ofType = <T extends DPoPServerEvent['type']>(events: DPoPServerEvent[], type: T) =>
  events.filter((event): event is Extract<DPoPServerEvent, { type: T }> => event.type === type)

describe('authorization server events', () => {
  it('reports the accepted proof, the tokens issued and the token request', async () => {
    const { server, time, events } = observedServer()
    const pair = await keyPair()
    const thumbprint = await calculateJwkThumbprint(await exportJWK(pair.publicKey))
    const response = await clientCredentials(server, await proofFor(pair, TOKEN_URL, time.seconds()))
    expect(response?.status).toBe(200)
    expect(ofType(events, 'proof.accepted')).toEqual([
      expect.objectContaining({
        source: 'authorization-server',
        alg: 'ES256',
        thumbprint,
        clientId: 'service',
      }),
    ])
    expect(ofType(events, 'token.issued')).toEqual([
      {
        type: 'token.issued',
        source: 'authorization-server',
        grantType: 'client_credentials',
        clientId: 'service',
        tokenType: 'DPoP',
        thumbprint,
      },
    ])
    expect(events.at(-1)).toMatchObject({
      type: 'token.request',
      route: '/token',
      method: 'POST',
      status: 200,
      grantType: 'client_credentials',
      clientId: 'service',
    })
  })

  it('RFC 9449 §11.1: a replayed proof is refused and reported as a replay', async () => {
    const { server, time, events } = observedServer()
    const dpop = await proofFor(await keyPair(), TOKEN_URL, time.seconds())
    await clientCredentials(server, dpop)
    events.length = 0
    expect((await clientCredentials(server, dpop))?.status).toBe(400)
    expect(ofType(events, 'proof.refused')).toEqual([
      expect.objectContaining({
        code: 'invalid_dpop_proof',
        reason: 'replay',
        alg: 'ES256',
        clientId: 'service',
      }),
    ])
    expect(ofType(events, 'replay.detected')).toHaveLength(1)
    expect(events.at(-1)).toMatchObject({ type: 'token.request', status: 400, reason: 'replay' })
  })

  it('RFC 9449 §8: a nonce challenge is reported', async () => {
    const { server, time, events } = observedServer({ dpop: { nonce: 'always' } })
    const response = await clientCredentials(
      server,
      await proofFor(await keyPair(), TOKEN_URL, time.seconds()),
    )
    expect(json(response).error).toBe('use_dpop_nonce')
    expect(ofType(events, 'nonce.challenged')).toEqual([
      {
        type: 'nonce.challenged',
        source: 'authorization-server',
        reason: 'nonce_missing',
        clientId: 'service',
      },
    ])
  })

  it('RFC 9700 §4.14.2: refresh rotation, then reuse and the revocation of the grant', async () => {
    const { server, time, events } = observedServer()
    const pair = await keyPair()
    const thumbprint = await calculateJwkThumbprint(await exportJWK(pair.publicKey))
    const { code, verifier } = await authorizationCode(server, 'spa', 'read')
    const first = json(
      await tokenRequest(
        server,
        {
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: REDIRECT_URI,
          client_id: 'spa',
        },
        await proofFor(pair, TOKEN_URL, time.seconds()),
      ),
    )
    expect(ofType(events, 'token.issued')).toEqual([
      expect.objectContaining({
        grantType: 'authorization_code',
        tokenType: 'DPoP',
        refreshTokenBinding: 'dpop',
      }),
    ])
    const refresh = (dpop: string) =>
      tokenRequest(
        server,
        { grant_type: 'refresh_token', refresh_token: first.refresh_token as string, client_id: 'spa' },
        dpop,
      )
    expect((await refresh(await proofFor(pair, TOKEN_URL, time.seconds())))?.status).toBe(200)
    expect(ofType(events, 'refresh.rotated')).toEqual([
      { type: 'refresh.rotated', source: 'authorization-server', clientId: 'spa', thumbprint },
    ])
    expect(json(await refresh(await proofFor(pair, TOKEN_URL, time.seconds()))).error).toBe('invalid_grant')
    expect(ofType(events, 'refresh.reused')).toEqual([
      { type: 'refresh.reused', source: 'authorization-server', clientId: 'spa' },
    ])
    expect(ofType(events, 'grant.revoked')).toEqual([
      {
        type: 'grant.revoked',
        source: 'authorization-server',
        cause: 'refresh_token_reused',
        clientId: 'spa',
      },
    ])
  })

  it('RFC 7662: reports each introspection, active or not, by the client that asked', async () => {
    const { server, events } = observedServer()
    const token = json(await clientCredentials(server)).access_token as string
    const introspect = (value: string) =>
      server.handle(
        request('POST', `${ISSUER}/introspect`, {
          headers: { authorization: basic('service', SECRET) },
          body: new URLSearchParams({ token: value }).toString(),
        }),
      )
    await introspect(token)
    await introspect('unknown')
    expect(ofType(events, 'introspection')).toEqual([
      {
        type: 'introspection',
        source: 'authorization-server',
        clientId: 'service',
        active: true,
        tokenKind: 'access_token',
      },
      { type: 'introspection', source: 'authorization-server', clientId: 'service', active: false },
    ])
  })

  it('a failing storage is logged and reported as store.unavailable; the answer stays 503', async () => {
    const logger = loggerSpy()
    const storage = createMemoryStorage()
    storage.isAccessTokenRevoked = () => Promise.reject(new Error('connection refused'))
    const { server, events } = observedServer({ storage, logger, accessTokenFormat: 'opaque' })
    const token = json(await clientCredentials(server)).access_token as string
    const response = await server.handle(
      request('POST', `${ISSUER}/introspect`, {
        headers: { authorization: basic('service', SECRET) },
        body: new URLSearchParams({ token }).toString(),
      }),
    )
    expect(response?.status).toBe(503)
    expect(ofType(events, 'store.unavailable')).toEqual([
      {
        type: 'store.unavailable',
        source: 'authorization-server',
        store: 'storage',
        operation: 'isAccessTokenRevoked',
      },
    ])
    expect(ofType(events, 'store.call')).toContainEqual(
      expect.objectContaining({ store: 'storage', operation: 'isAccessTokenRevoked', failed: true }),
    )
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ store: 'storage', operation: 'isAccessTokenRevoked' }),
      'DPoP authorization server storage unavailable',
    )
  })

  it('a hook that throws or rejects changes no answer and is logged', async () => {
    for (const onEvent of [
      () => {
        throw new Error('hook')
      },
      () => Promise.reject(new Error('hook')),
    ]) {
      const logger = loggerSpy()
      const { server, time } = makeServer({ onEvent, logger })
      const dpop = await proofFor(await keyPair(), TOKEN_URL, time.seconds())
      expect(json(await clientCredentials(server, dpop)).token_type).toBe('DPoP')
      expect(json(await clientCredentials(server, dpop)).error).toBe('invalid_dpop_proof')
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(logger.error).toHaveBeenCalledWith(
        expect.objectContaining({ event: 'token.issued' }),
        'DPoP onEvent hook failed',
      )
    }
  })

  it('logs a generated signing key and in-memory state as warnings; says nothing without a logger', async () => {
    const logger = loggerSpy()
    const { server } = makeServer({ logger })
    await server.jwks()
    expect(logger.warn).toHaveBeenCalledTimes(2)
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ kid: expect.any(String) }),
      expect.stringContaining('generated'),
    )
    expect(() => makeServer({ logger: {} as never })).toThrow(/logger/)
  })
})
