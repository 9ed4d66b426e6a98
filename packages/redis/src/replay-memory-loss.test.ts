import { createProof, generateKeyPair, isDPoPError, verifyProof } from '@dpop/core'
import type { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRedisClient } from './create-redis-client.js'
import { createRedisReplayStore } from './create-redis-replay-store.js'
import { type StartedRedis, startRedis, waitReady } from './testing/start-redis.js'
import { waitFor } from './testing/wait-for.js'

const URL_ = 'https://api.example.com/resource'
const request = { method: 'POST', url: URL_, header: () => undefined }

let redis: StartedRedis
let client: Redis

beforeEach(async () => {
  redis = await startRedis() // --save '' --appendonly no: a restart forgets everything
  client = createRedisClient(redis.url)
  await waitReady(client)
})

afterEach(async () => {
  client?.disconnect()
  await redis?.stop()
})

/** Verifies every proof with the store: what each one got, `accepted` or the reason it was refused. */
async function outcomes(proofs: readonly string[], replayStore: ReturnType<typeof createRedisReplayStore>) {
  return Promise.all(
    proofs.map((proof) =>
      verifyProof(proof, request, { replayStore }).then(
        () => 'accepted',
        (error: unknown) => (isDPoPError(error) ? error.reason : String(error)),
      ),
    ),
  )
}

async function acceptedProofs(count: number, replayStore: ReturnType<typeof createRedisReplayStore>) {
  const key = await generateKeyPair('ES256')
  const proofs = await Promise.all(
    Array.from({ length: count }, () => createProof(key, { htm: 'POST', htu: URL_ })),
  )
  expect(await outcomes(proofs, replayStore)).toEqual(proofs.map(() => 'accepted'))
  expect(await outcomes(proofs, replayStore)).toEqual(proofs.map(() => 'replay'))
  return proofs
}

const answers = async () => (await client.ping()) === 'PONG'

describe('RFC 9449 §11.1: a Redis that forgot its reservations does not accept their proofs again', () => {
  it('refuses every proof accepted before Redis restarted without persistence, with no restart of the verifier', async () => {
    const replayStore = createRedisReplayStore(client)
    const proofs = await acceptedProofs(40, replayStore)
    await redis.restart()
    await waitFor('the client to reconnect', answers)
    const after = await outcomes(proofs, replayStore)
    expect(after.filter((outcome) => outcome === 'accepted')).toHaveLength(0)
    expect(new Set(after)).toEqual(new Set(['replay_store_reset']))
  })

  it('refuses every proof accepted before FLUSHALL', async () => {
    const replayStore = createRedisReplayStore(client)
    const proofs = await acceptedProofs(40, replayStore)
    await client.call('FLUSHALL')
    expect(new Set(await outcomes(proofs, replayStore))).toEqual(new Set(['replay_store_reset']))
  })

  it('accepts proofs issued after the reset and its margin, and on a Redis used for the first time at once', async () => {
    const replayStore = createRedisReplayStore(client, { resetMargin: 2000 })
    const expiresAt = Date.now() + 60_000
    // First use, in every bucket: no epoch marker yet, nothing was forgotten.
    for (let i = 0; i < 2000; i++)
      expect(await replayStore.reserve(`first-${i}`, expiresAt, Date.now() - 1000)).toBe(true)
    await client.call('FLUSHALL')
    const refused = await replayStore
      .reserve('second', expiresAt, Date.now())
      .catch((error: unknown) => error)
    expect(isDPoPError(refused) && refused.reason === 'replay_store_reset' && refused.status === 503).toBe(
      true,
    )
    expect(await replayStore.reserve('third', expiresAt, Date.now() + 5000)).toBe(true)
    expect(await replayStore.reserve('third', expiresAt, Date.now() + 5000)).toBe(false)
  })

  it('makes every instance refuse once one of them saw that Redis forgot, even one that never saw the old marker', async () => {
    const seen = createRedisReplayStore(client)
    const proofs = await acceptedProofs(10, seen)
    await client.call('FLUSHALL')
    // An instance started after the flush takes the empty Redis for a new one (it cannot tell), and makes
    // first-use markers in every bucket...
    const fresh = createRedisReplayStore(client)
    const expiresAt = Date.now() + 60_000
    for (let i = 0; i < 2000; i++) expect(await fresh.reserve(`fresh-${i}`, expiresAt, Date.now())).toBe(true)
    // ...until the instance that saw the old markers makes a reservation in each bucket and records the loss.
    for (let i = 0; i < 2000; i++) await seen.reserve(`seen-${i}`, expiresAt, Date.now()).catch(() => {})
    expect(new Set(await outcomes(proofs, fresh))).toEqual(new Set(['replay_store_reset']))
  })
})
