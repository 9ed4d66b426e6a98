import { createNonceSource, DPoPError } from '@dpop/core'
import { describe, expect, it } from 'vitest'
import type { DPoPServerEvent } from '../observability/index.js'
import { loggerSpy } from '../observability/test-logger.js'
import { createResourceGuard, type ResourceGuardOptions } from './index.js'
import {
  AUDIENCE,
  guardTestOptions,
  ISSUER,
  mintToken,
  proof,
  rejection,
  request,
  useGuardTestKeys,
} from './test-helpers.js'

const NOW = 1_760_000_000_000
const keys = useGuardTestKeys()

function observedGuard(options: Partial<ResourceGuardOptions> = {}) {
  const events: DPoPServerEvent[] = []
  const guard = createResourceGuard({
    ...guardTestOptions(keys, NOW),
    onEvent: (event) => {
      events.push(event)
    },
    ...options,
  })
  return { guard, events }
}

async function dpopRequest(nonce?: string) {
  const token = await mintToken(keys.asKey, { jkt: keys.alice.jkt, now: NOW })
  const dpop = await proof(keys.alice, {
    accessToken: token,
    now: NOW,
    ...(nonce === undefined ? {} : { nonce }),
  })
  return { token, dpop, request: request({ Authorization: `DPoP ${token}`, DPoP: dpop }) }
}

const typesOf = (events: DPoPServerEvent[]) => events.map((event) => event.type)

describe('resource guard events', () => {
  it('reports an accepted proof and the authentication, with the thumbprint and client id', async () => {
    const { guard, events } = observedGuard()
    await guard.authenticate((await dpopRequest()).request)
    expect(typesOf(events)).toEqual(['store.call', 'proof.accepted', 'guard.authenticate'])
    expect(events[1]).toMatchObject({
      type: 'proof.accepted',
      source: 'resource-guard',
      alg: 'ES256',
      thumbprint: keys.alice.jkt,
      clientId: 'client-1',
    })
    expect(events[2]).toMatchObject({
      type: 'guard.authenticate',
      method: 'GET',
      status: 200,
      scheme: 'DPoP',
      thumbprint: keys.alice.jkt,
      clientId: 'client-1',
    })
    expect(events[0]).toMatchObject({
      type: 'store.call',
      store: 'replay',
      operation: 'reserve',
      failed: false,
    })
  })

  it('RFC 9449 §11.1: a replayed proof is refused and reported as a replay', async () => {
    const { guard, events } = observedGuard()
    const { request: req } = await dpopRequest()
    await guard.authenticate(req)
    events.length = 0
    expect((await rejection(guard.authenticate(req))).reason).toBe('replay')
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'proof.refused',
        reason: 'replay',
        alg: 'ES256',
        thumbprint: keys.alice.jkt,
      }),
    )
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'replay.detected', thumbprint: keys.alice.jkt }),
    )
    expect(events.at(-1)).toMatchObject({ type: 'guard.authenticate', status: 401, reason: 'replay' })
  })

  it('RFC 9449 §9: a missing nonce is reported as a nonce challenge', async () => {
    const { guard, events } = observedGuard({
      nonce: 'always',
      nonceSource: createNonceSource({ secrets: [{ id: 'a', secret: 'x'.repeat(32) }], now: () => NOW }),
    })
    await rejection(guard.authenticate((await dpopRequest()).request))
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'nonce.challenged',
        source: 'resource-guard',
        reason: 'nonce_missing',
      }),
    )
  })

  it('a request without credentials is reported refused, with its reason', async () => {
    const { guard, events } = observedGuard()
    await rejection(guard.authenticate(request({})))
    expect(events).toEqual([
      expect.objectContaining({
        type: 'guard.authenticate',
        status: 401,
        error: 'invalid_token',
        reason: 'missing_credentials',
      }),
    ])
  })

  it('a failing replay store is logged and reported as store.unavailable; the answer is 503', async () => {
    const logger = loggerSpy()
    const { guard, events } = observedGuard({
      logger,
      replayStore: {
        reserve: () => Promise.reject(new Error('connection refused')),
      },
    })
    const error = await rejection(guard.authenticate((await dpopRequest()).request))
    expect(error.status).toBe(503)
    expect(events).toContainEqual({
      type: 'store.unavailable',
      source: 'resource-guard',
      store: 'replay',
      operation: 'reserve',
    })
    expect(events).toContainEqual(expect.objectContaining({ type: 'store.call', failed: true }))
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ store: 'replay' }),
      expect.stringContaining('replay store unavailable'),
    )
  })

  it('logs a failing replay store even without an onEvent hook', async () => {
    const logger = loggerSpy()
    const guard = createResourceGuard({
      jwks: { keys: [keys.asKey.jwk] },
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW,
      logger,
      replayStore: { reserve: () => Promise.reject(new Error('down')) },
    })
    expect((await rejection(guard.authenticate((await dpopRequest()).request))).status).toBe(503)
    expect(logger.error).toHaveBeenCalledTimes(1)
  })

  it('logs a key set that cannot be fetched: tokens cannot be verified', async () => {
    const logger = loggerSpy()
    const cause = new Error('ECONNREFUSED')
    const guard = createResourceGuard({
      verifyAccessToken: () =>
        Promise.reject(new DPoPError('temporarily_unavailable', 'jwks_unavailable', { status: 503, cause })),
      now: () => NOW,
      logger,
    })
    await rejection(guard.authenticate((await dpopRequest()).request))
    expect(logger.error).toHaveBeenCalledWith(
      { source: 'resource-guard', reason: 'jwks_unavailable', err: cause },
      'DPoP resource guard cannot verify access tokens',
    )
  })

  it('warns once at construction when proofs are remembered in memory only', () => {
    const logger = loggerSpy()
    observedGuard({ logger })
    expect(logger.warn).toHaveBeenCalledWith({ replayStore: true }, expect.stringContaining('in memory'))
  })

  it('a hook that throws or rejects changes no answer and is logged', async () => {
    for (const onEvent of [
      () => {
        throw new Error('hook')
      },
      () => Promise.reject(new Error('hook')),
    ]) {
      const logger = loggerSpy()
      const { guard } = observedGuard({ onEvent, logger })
      const { request: req } = await dpopRequest()
      expect((await guard.authenticate(req)).thumbprint).toBe(keys.alice.jkt)
      expect((await rejection(guard.authenticate(req))).reason).toBe('replay')
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(logger.error).toHaveBeenCalledWith(
        expect.objectContaining({ event: 'proof.accepted' }),
        'DPoP onEvent hook failed',
      )
    }
  })

  it('no event carries the access token or the proof', async () => {
    const { guard, events } = observedGuard()
    const { token, dpop, request: req } = await dpopRequest()
    await guard.authenticate(req)
    await rejection(guard.authenticate(req))
    const serialized = JSON.stringify(events)
    expect(events.length).toBeGreaterThan(4)
    for (const secret of [token, dpop, ...token.split('.'), ...dpop.split('.'), 'user-1']) {
      expect(serialized).not.toContain(secret)
    }
  })

  it('rejects an onEvent that is not a function and a logger without its methods', () => {
    expect(() => observedGuard({ onEvent: 'yes' as never })).toThrow(TypeError)
    expect(() => observedGuard({ logger: { info: () => {} } as never })).toThrow(/logger/)
  })
})
