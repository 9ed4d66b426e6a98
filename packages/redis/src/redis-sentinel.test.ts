import { isDPoPError } from '@dpop/core'
import type { CodeRecord, RefreshTokenRecord } from '@dpop/server'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recommendedRedisOptions } from './create-redis-client.js'
import { createRedisReplayStore, reservationKey } from './create-redis-replay-store.js'
import { createRedisStorage } from './create-redis-storage.js'
import { waitReady } from './testing/start-redis.js'
import { command, type StartedSentinel, startSentinel } from './testing/start-sentinel.js'
import { waitFor } from './testing/wait-for.js'

// Each describe runs its own master, replica and Sentinel, reached the way the README shows: by the
// Sentinel's address and the master's name, never the master's own address.
function useSentinel(): { group: StartedSentinel; redis: Redis } {
  const context = {} as { group: StartedSentinel; redis: Redis }
  beforeAll(async () => {
    context.group = await startSentinel()
    const { sentinels, name } = context.group
    context.redis = new Redis({ sentinels, name, ...recommendedRedisOptions })
    context.redis.on('error', () => {}) // expected while the master is down; the stores' rejections are asserted
    await waitReady(context.redis)
  })
  afterAll(async () => {
    context.redis?.disconnect()
    await context.group?.stop()
  })
  return context
}

const inOneMinute = () => Date.now() + 60_000

const code = (): CodeRecord => ({
  request: {
    clientId: 'app',
    redirectUri: 'https://app.example/callback',
    redirectUriProvided: true,
    scope: 'read',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    pushed: false,
  },
  subject: 'alice',
  scope: 'read',
  authTime: 1_700_000_000,
  expiresAt: inOneMinute(),
})

const refreshToken = (grantId: string): RefreshTokenRecord => ({
  grantId,
  clientId: 'app',
  subject: 'alice',
  scope: 'read',
  issuedAt: Math.floor(Date.now() / 1000),
  expiresAt: inOneMinute(),
})

/** What `operation` settled with: its value, or the error it rejected with. */
const outcome = <T>(operation: Promise<T>) => operation.catch((error: unknown) => error)

const isUnavailable = (error: unknown) =>
  isDPoPError(error) && error.code === 'temporarily_unavailable' && error.status === 503

const role = async (port: number) => ((await command(port, 'ROLE')) as unknown[])[0]

describe('Redis Sentinel: master killed', () => {
  const context = useSentinel()

  it('Redis Sentinel: the replay store reserves a proof once through the master Sentinel names', async () => {
    const { group, redis } = context
    expect(await group.masterPort()).toBe(group.master.port)
    const store = createRedisReplayStore(redis, { prefix: 'sentinel:' })
    expect(await store.reserve('once', inOneMinute())).toBe(true)
    expect(await store.reserve('once', inOneMinute())).toBe(false)
    expect(await command(group.master.port, 'EXISTS', reservationKey('sentinel:', 'once').key)).toBe(1)
  })

  it('Redis Sentinel: the storage saves an authorization code and consumes it once', async () => {
    const storage = createRedisStorage(context.redis, { prefix: 'sentinel:' })
    const record = code()
    await storage.saveCode('code', record)
    expect(await storage.consumeCode('code')).toEqual(record)
    expect(await storage.consumeCode('code')).toBeUndefined()
  })

  it('Redis Sentinel: fails closed (503) while the master is down, then the same client resumes on the promoted replica with the replicated data', async () => {
    const { group, redis } = context
    const store = createRedisReplayStore(redis, { prefix: 'failover:' })
    const storage = createRedisStorage(redis, { prefix: 'failover:' })
    expect(await store.reserve('before', inOneMinute())).toBe(true)
    const saved = code()
    await storage.saveCode('before', saved)
    await storage.saveRefreshToken('rt-before', refreshToken('family'))
    expect((await storage.rotateRefreshToken('rt-before'))?.status).toBe('rotated')
    // Every write above has reached the replica, so what survives the failover is deterministic.
    expect(await redis.call('WAIT', 1, 1000)).toBe(1)

    await group.master.stop('SIGKILL')
    await waitFor('the client to see the master gone', () => redis.status !== 'ready')

    // No master: every call rejects with 503 temporarily_unavailable; nothing is accepted unchecked and
    // nothing is consumed. (Sentinel needs at least down-after-milliseconds, 1 s, to act.)
    expect(isUnavailable(await outcome(store.reserve('during', inOneMinute())))).toBe(true)
    expect(isUnavailable(await outcome(storage.consumeCode('before')))).toBe(true)
    expect(isUnavailable(await outcome(storage.rotateRefreshToken('rt-before')))).toBe(true)

    // Until Sentinel has promoted the replica and the client reached it, each fresh reservation fails closed.
    let refused = 0
    let attempt = 0
    await waitFor(
      'a reservation to succeed after the failover',
      async () => {
        const reply = await outcome(store.reserve(`after-${attempt++}`, inOneMinute()))
        if (reply === true) return true
        if (!isUnavailable(reply)) throw new Error(`unexpected reply while failing over: ${String(reply)}`)
        refused++
        return false
      },
      { timeout: 40_000, interval: 100 },
    )
    expect(refused).toBeGreaterThan(0)
    expect(await group.masterPort()).toBe(group.replica.port)
    expect(await role(group.replica.port)).toBe('master')
    expect(
      await command(group.replica.port, 'EXISTS', reservationKey('failover:', `after-${attempt - 1}`).key),
    ).toBe(1)

    // What reached the replica before the failover still holds: a replay, one code, a used token.
    expect(await store.reserve('before', inOneMinute())).toBe(false)
    expect(await storage.consumeCode('before')).toEqual(saved)
    expect(await storage.consumeCode('before')).toBeUndefined()
    expect((await storage.rotateRefreshToken('rt-before'))?.status).toBe('reused')
    expect(await store.reserve('during', inOneMinute())).toBe(true)
  }, 90_000)
})

describe('Redis Sentinel: switchover with the old master still up', () => {
  const context = useSentinel()

  it('Redis Sentinel: the client leaves the old master on +switch-master, before Sentinel demotes it', async () => {
    const { group, redis } = context
    const { sentinel } = group
    const store = createRedisReplayStore(redis, { prefix: 'switchover:' })
    expect(await store.reserve('before', inOneMinute())).toBe(true)
    expect(await redis.call('WAIT', 1, 1000)).toBe(1)
    // recommendedRedisOptions.failoverDetector: the client listens for Sentinel's announcement.
    await waitFor('the client to subscribe to Sentinel', async () =>
      String(await command(sentinel.port, 'CLIENT', 'LIST')).includes(' sub=1 '),
    )

    expect(await command(sentinel.port, 'SENTINEL', 'FAILOVER', group.name)).toBe('OK')
    // A key on the new master but not on the old one was written to the new master itself (before the
    // promotion the replica copies the old master; once demoted, the old master copies the new one).
    let attempt = 0
    await waitFor(
      'a reservation written to the new master',
      async () => {
        const key = `after-${attempt++}`
        if ((await outcome(store.reserve(key, inOneMinute()))) !== true) return false // 503 while switching
        const [onNew, onOld] = await Promise.all([
          command(group.replica.port, 'EXISTS', reservationKey('switchover:', key).key),
          command(group.master.port, 'EXISTS', reservationKey('switchover:', key).key),
        ])
        return onNew === 1 && onOld === 0
      },
      { timeout: 40_000, interval: 20 },
    )
    // The client moved by itself: the old master still acts as one (Sentinel demotes it, and closes its
    // connections, only seconds later), yet writes now go to the master Sentinel names.
    expect(await role(group.master.port)).toBe('master')
    expect(await group.masterPort()).toBe(group.replica.port)
    expect(await store.reserve('before', inOneMinute())).toBe(false)
  }, 90_000)
})
