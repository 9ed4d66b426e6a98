import { generateKeyPair } from '@dpop/core'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisClient } from './create-redis-client.js'
import {
  type AuthorizationServerInstances,
  startAuthorizationServers,
} from './testing/start-authorization-servers.js'
import { type StartedRedis, startRedis, waitReady } from './testing/start-redis.js'
import { authorize, clientCredentials, redeemCode, refresh, tokenProof } from './testing/token-requests.js'

const PREFIX = 'instances:'
let redis: StartedRedis
let instances: AuthorizationServerInstances
let inspector: Redis
let key: CryptoKeyPair

beforeAll(async () => {
  redis = await startRedis()
  instances = await startAuthorizationServers(redis.url, 2, PREFIX)
  inspector = createRedisClient(redis.url)
  await waitReady(inspector)
  key = await generateKeyPair('ES256')
})

afterAll(async () => {
  await instances?.close()
  inspector?.disconnect()
  await redis?.stop()
})

describe('two authorization server instances sharing one Redis', () => {
  it('RFC 9449 §11.1: a proof accepted by one instance is a replay at the other', async () => {
    const [first, second] = instances.urls as [string, string]
    const proof = await tokenProof(key)
    const accepted = await clientCredentials(first, proof)
    expect(accepted.status).toBe(200)
    expect(accepted.body.token_type).toBe('DPoP')
    const replayed = await clientCredentials(second, proof)
    expect(replayed.status).toBe(400)
    expect(replayed.body.error).toBe('invalid_dpop_proof')
    expect(replayed.body.access_token).toBeUndefined()
  })

  it('RFC 6749 §4.1.2: a code redeemed concurrently at both instances yields one token', async () => {
    const [first, second] = instances.urls as [string, string]
    for (let round = 0; round < 3; round++) {
      const { code, verifier } = await authorize(round % 2 === 0 ? first : second)
      const answers = await Promise.all([
        redeemCode(first, code, verifier, await tokenProof(key)),
        redeemCode(second, code, verifier, await tokenProof(key)),
      ])
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400])
      expect(answers.filter((answer) => typeof answer.body.access_token === 'string')).toHaveLength(1)
      expect(answers.find((answer) => answer.status === 400)?.body.error).toBe('invalid_grant')
    }
  })

  it('RFC 9700 §4.14.2: a refresh token rotated at one instance and reused at the other revokes the family', async () => {
    const [first, second] = instances.urls as [string, string]
    const { code, verifier } = await authorize(first)
    const issued = await redeemCode(first, code, verifier, await tokenProof(key))
    const original = issued.body.refresh_token as string
    expect(typeof original).toBe('string')

    const rotated = await refresh(first, original, await tokenProof(key))
    expect(rotated.status).toBe(200)
    const successor = rotated.body.refresh_token as string
    expect(successor).not.toBe(original)

    const reused = await refresh(second, original, await tokenProof(key))
    expect(reused.status).toBe(400)
    expect(reused.body.error).toBe('invalid_grant')

    // The legitimate successor died with its family, at either instance.
    const afterRevocation = await refresh(first, successor, await tokenProof(key))
    expect(afterRevocation.status).toBe(400)
    expect(afterRevocation.body.access_token).toBeUndefined()
  })

  it('rotates a refresh token once when both instances receive it at the same moment', async () => {
    const [first, second] = instances.urls as [string, string]
    const { code, verifier } = await authorize(second)
    const issued = await redeemCode(second, code, verifier, await tokenProof(key))
    const token = issued.body.refresh_token as string
    const answers = await Promise.all([
      refresh(first, token, await tokenProof(key)),
      refresh(second, token, await tokenProof(key)),
    ])
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400])
  })

  it('leaves no key without expiry: after the flows, every key under the prefix has PTTL > 0', async () => {
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, batch] = await inspector.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 100)
      cursor = next
      keys.push(...batch)
    } while (cursor !== '0')
    const kinds = new Set(keys.map((name) => name.slice(PREFIX.length).replace(/:.*$/, '')))
    // Written by the flows above: proofs, refresh tokens and their families, code redemptions, and the
    // access tokens revoked when the concurrent redemption replayed a code (RFC 6749 §4.1.2).
    expect(kinds).toEqual(new Set(['jti', 'rt', '{family', 'redeemed', 'revoked-jti']))
    for (const name of keys) expect(await inspector.pttl(name), name).toBeGreaterThan(0)
  })
})
