import { isDPoPError } from '@dpop/core'
import type { RefreshTokenRecord } from '@dpop/server'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisClient } from './create-redis-client.js'
import { createRedisStorage } from './create-redis-storage.js'
import { type StartedRedis, startRedis, waitReady } from './testing/start-redis.js'

let redis: StartedRedis
let client: Redis

beforeAll(async () => {
  redis = await startRedis()
  client = createRedisClient(redis.url)
  await waitReady(client)
})

afterAll(async () => {
  client?.disconnect()
  await redis?.stop()
})

const member = (grantId: string, expiresAt: number): RefreshTokenRecord => ({
  grantId,
  clientId: 'app',
  subject: 'alice',
  scope: 'read',
  issuedAt: Math.floor(Date.now() / 1000),
  expiresAt,
})

/** The Redis Cluster hash tag of a key: the part between its first `{` and the next `}`, else the key. */
function hashTag(key: string): string {
  const open = key.indexOf('{')
  const close = key.indexOf('}', open + 1)
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key
}

describe('createRedisStorage', () => {
  it('stores versioned JSON ({"v":1,…}) and reads a value of an unknown version as absent', async () => {
    const storage = createRedisStorage(client, { prefix: 'versions:' })
    const record = {
      jti: 'j',
      clientId: 'c',
      subject: 's',
      scope: '',
      audience: 'a',
      issuedAt: 1,
      expiresAt: Date.now() + 60_000,
    }
    await storage.saveAccessToken('hash', record)
    const raw = await client.get('versions:at:hash')
    expect(JSON.parse(raw ?? '{}')).toEqual({ v: 1, ...record })

    await client.set('versions:at:hash', JSON.stringify({ ...record, v: 2 }), 'PX', 60_000)
    expect(await storage.getAccessToken('hash')).toBeUndefined()
    await client.set('versions:code:hash', 'not json', 'PX', 60_000)
    expect(await storage.consumeCode('hash')).toBeUndefined()
  })

  it('sets each key to expire at its record expiresAt (PXAT)', async () => {
    const storage = createRedisStorage(client, { prefix: 'expiry:' })
    const expiresAt = Date.now() + 120_000
    await storage.savePushedRequest('par-id', {
      request: {
        clientId: 'app',
        redirectUri: 'https://app.example/cb',
        redirectUriProvided: true,
        scope: '',
        codeChallenge: 'c',
        pushed: true,
      },
      expiresAt,
    })
    await storage.revokeAccessToken('jti', expiresAt)
    expect(await client.call('PEXPIRETIME', 'expiry:par:par-id')).toBe(expiresAt)
    expect(await client.call('PEXPIRETIME', 'expiry:revoked-jti:jti')).toBe(expiresAt)
  })

  it('keeps grant markers until the longest-lived member expires, whatever the revocation asked', async () => {
    const storage = createRedisStorage(client, { prefix: 'families:' })
    const short = Date.now() + 60_000
    const long = Date.now() + 600_000
    await storage.saveRefreshToken('short', member('f', short))
    await storage.saveRefreshToken('long', member('f', long))
    await storage.revokeGrant('f', short)
    expect(await client.call('PEXPIRETIME', 'families:{grant:f}:revoked')).toBe(long)
    expect(await client.call('PEXPIRETIME', 'families:{grant:f}:longest')).toBe(long)

    // A member saved after the revocation (a rotation racing a reuse) extends the revocation.
    const later = Date.now() + 900_000
    await storage.saveRefreshToken('later', member('f', later))
    expect(await client.call('PEXPIRETIME', 'families:{grant:f}:revoked')).toBe(later)
    expect((await storage.rotateRefreshToken('later'))?.status).toBe('revoked')
  })

  it('keeps the keys of each atomic refresh token step in one Cluster hash slot ({grant:<id>})', async () => {
    const storage = createRedisStorage(client, { prefix: 'slots:' })
    await storage.saveRefreshToken('token', member('family-id', Date.now() + 60_000))
    await storage.rotateRefreshToken('token')
    await storage.revokeGrant('family-id', Date.now() + 60_000)
    const familyKeys = (await client.keys('slots:*')).filter((key) => key !== 'slots:rt:token')
    expect(familyKeys.sort()).toEqual([
      'slots:{grant:family-id}:longest',
      'slots:{grant:family-id}:revoked',
      'slots:{grant:family-id}:used:token',
    ])
    expect(new Set(familyKeys.map(hashTag))).toEqual(new Set(['grant:family-id']))
  })

  it('bounds keys: ids with braces, colons or excessive length are hashed', async () => {
    const storage = createRedisStorage(client, { prefix: 'bounded:' })
    const record = {
      request: {
        clientId: 'a',
        redirectUri: 'https://a/cb',
        redirectUriProvided: false,
        scope: '',
        codeChallenge: 'c',
        pushed: false,
      },
      expiresAt: Date.now() + 60_000,
    }
    await storage.saveInteraction(`{evil}:${'x'.repeat(5000)}`, record)
    expect(await storage.getInteraction(`{evil}:${'x'.repeat(5000)}`)).toEqual(record)
    const [key] = await client.keys('bounded:*')
    expect(key).toMatch(/^bounded:interaction:=[A-Za-z0-9_-]{43}$/)
  })

  it('rejects every method with 503 temporarily_unavailable while Redis is unreachable', async () => {
    const offline = new Redis({ port: redis.port, lazyConnect: true, enableOfflineQueue: false })
    const storage = createRedisStorage(offline)
    const calls: Promise<unknown>[] = [
      storage.getClient('c'),
      storage.consumeCode('h'),
      storage.getRefreshToken('h'),
      storage.rotateRefreshToken('h'),
      storage.revokeGrant('f', Date.now() + 1000),
      storage.saveRefreshToken('h', member('f', Date.now() + 1000)),
      storage.isAccessTokenRevoked('j'),
    ]
    for (const call of calls) {
      const error = await call.catch((caught: unknown) => caught)
      expect(isDPoPError(error) && error.code === 'temporarily_unavailable' && error.status === 503).toBe(
        true,
      )
    }
    offline.disconnect()
  })
})
