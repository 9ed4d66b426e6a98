import { type AddressInfo, createServer } from 'node:net'
import { isDPoPError } from '@dpop/core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisClient } from './create-redis-client.js'
import { createRedisReplayStore, reservationKey } from './create-redis-replay-store.js'
import { type StartedRedis, startRedis, waitReady } from './testing/start-redis.js'

let redis: StartedRedis
let first: Redis
let second: Redis

beforeAll(async () => {
  redis = await startRedis()
  first = createRedisClient(redis.url)
  second = createRedisClient(redis.url)
  await Promise.all([waitReady(first), waitReady(second)])
})

afterAll(async () => {
  first?.disconnect()
  second?.disconnect()
  await redis?.stop()
})

describe('createRedisReplayStore (RFC 9449 §11.1 jti replay detection)', () => {
  it('reserves a key exactly once among 1,000 concurrent reservations over two connections', async () => {
    const stores = [createRedisReplayStore(first), createRedisReplayStore(second)]
    const expiresAt = Date.now() + 60_000
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => stores[i % 2]?.reserve('concurrent-key-0000000', expiresAt)),
    )
    expect(results.filter((result) => result === true)).toHaveLength(1)
    expect(results.filter((result) => result === false)).toHaveLength(999)
  })

  it('stores one prefixed key with the expiry it was given (PXAT)', async () => {
    const store = createRedisReplayStore(first, { prefix: 'test-ttl:' })
    const expiresAt = Date.now() + 45_000
    expect(await store.reserve('abcdefghijklmnopqrstuv', expiresAt)).toBe(true)
    const [key, ...others] = await first.keys('test-ttl:*:jti:*')
    expect(others).toHaveLength(0)
    expect(key).toMatch(/^test-ttl:\{replay:\d+\}:jti:abcdefghijklmnopqrstuv$/)
    expect(await first.call('PEXPIRETIME', key as string)).toBe(Math.ceil(expiresAt))
  })

  it("keeps the bucket's epoch marker at least as long as every reservation in it, a later one included", async () => {
    const prefix = 'test-marker:'
    const store = createRedisReplayStore(first, { prefix })
    // Three keys of one bucket: a reservation, a longer one, and a shorter one after it.
    const bucket = reservationKey(prefix, 'marker-key-0').bucket
    const keys = Array.from({ length: 400 }, (_, i) => `marker-key-${i}`)
      .filter((key) => reservationKey(prefix, key).bucket === bucket)
      .slice(0, 3)
    expect(keys).toHaveLength(3)
    const marker = `${reservationKey(prefix, keys[0] as string).tag}:epoch`
    const expiries = [Date.now() + 30_000, Date.now() + 600_000, Date.now() + 30_000]
    for (const [i, key] of keys.entries()) {
      expect(await store.reserve(key, expiries[i] as number)).toBe(true)
      const longest = Math.ceil(Math.max(...expiries.slice(0, i + 1)))
      expect(await first.call('PEXPIRETIME', marker)).toBeGreaterThanOrEqual(longest)
    }
  })

  it('keeps keys bounded: an oversized key is stored under its hash', async () => {
    const store = createRedisReplayStore(first, { prefix: 'test-long:' })
    const long = 'x'.repeat(10_000)
    expect(await store.reserve(long, Date.now() + 60_000)).toBe(true)
    expect(await store.reserve(long, Date.now() + 60_000)).toBe(false)
    const keys = await first.keys('test-long:*:jti:*')
    expect(keys).toHaveLength(1)
    expect(keys[0]?.length).toBeLessThan(100)
  })

  it("keeps the keys verifyProof makes for two clients' proofs with one jti apart: the pair is stored whole", async () => {
    const store = createRedisReplayStore(first, { prefix: 'test-pair:' })
    const jti = 'AAECAwQFBgcICQoLDA0ODw'
    const [one, two] = ['A', 'B'].map((c) => `${c.repeat(43)}.${jti}`) as [string, string]
    expect(await store.reserve(one, Date.now() + 60_000)).toBe(true)
    expect(await store.reserve(two, Date.now() + 60_000)).toBe(true)
    expect(await store.reserve(one, Date.now() + 60_000)).toBe(false)
    expect(await first.keys('test-pair:*:jti:*')).toHaveLength(2)
  })

  it('accepts a key again once its reservation expired', async () => {
    const store = createRedisReplayStore(first, { prefix: 'test-expired:' })
    expect(await store.reserve('expired-key', Date.now() - 1)).toBe(true)
    expect(await store.reserve('expired-key', Date.now() + 60_000)).toBe(true)
    expect(await store.reserve('expired-key', Date.now() + 60_000)).toBe(false)
  })

  it('separates prefixes', async () => {
    const expiresAt = Date.now() + 60_000
    expect(await createRedisReplayStore(first, { prefix: 'a:' }).reserve('same', expiresAt)).toBe(true)
    expect(await createRedisReplayStore(first, { prefix: 'b:' }).reserve('same', expiresAt)).toBe(true)
  })

  it('rejects with 503 temporarily_unavailable when Redis cannot be reached', async () => {
    const unreachable = new Redis({ port: redis.port, lazyConnect: true, enableOfflineQueue: false })
    const store = createRedisReplayStore(unreachable)
    const error = await store.reserve('any', Date.now() + 1000).catch((caught: unknown) => caught)
    expect(isDPoPError(error) && error.code === 'temporarily_unavailable' && error.status === 503).toBe(true)
    unreachable.disconnect()
  })

  it('rejects with 503 when Redis does not answer within the timeout', async () => {
    // A server that accepts connections and never answers, reached by ioredis' default (queueing, retrying)
    // options: only the store's own bound ends the wait.
    const blackhole = createServer(() => {})
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve))
    const { port } = blackhole.address() as AddressInfo
    const hanging = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: null })
    const store = createRedisReplayStore(hanging, { timeout: 200 })
    const error = await store.reserve('any', Date.now() + 1000).catch((caught: unknown) => caught)
    expect(isDPoPError(error) && error.code === 'temporarily_unavailable').toBe(true)
    hanging.disconnect()
    blackhole.close()
  })

  it('throws TypeError for a prefix with braces (it would become a Cluster hash tag)', () => {
    expect(() => createRedisReplayStore(first, { prefix: '{dpop}:' })).toThrow(TypeError)
  })
})
