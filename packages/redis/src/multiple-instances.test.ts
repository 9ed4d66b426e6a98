import { generateKeyPair } from '@dpop/core'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisClient } from './create-redis-client.js'
import {
  APP,
  type AuthorizationServerInstances,
  OPAQUE_APP,
  startAuthorizationServers,
} from './testing/start-authorization-servers.js'
import { type StartedRedis, startRedis, waitReady } from './testing/start-redis.js'
import {
  authorize,
  clientCredentials,
  introspect,
  redeemCode,
  refresh,
  revoke,
  tokenProof,
} from './testing/token-requests.js'

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

  it('RFC 6749 §4.1.2: a code redeemed concurrently at both instances yields at most one token', async () => {
    const [first, second] = instances.urls as [string, string]
    for (let round = 0; round < 3; round++) {
      const { code, verifier } = await authorize(round % 2 === 0 ? first : second)
      const answers = await Promise.all([
        redeemCode(first, code, verifier, await tokenProof(key)),
        redeemCode(second, code, verifier, await tokenProof(key)),
      ])
      // One redemption wins the code; the other is a replay, which revokes the grant when it sees the
      // winner's redemption (then the winner is refused too, or answers tokens already revoked).
      const winners = answers.filter((answer) => answer.status === 200)
      expect(winners.length).toBeLessThanOrEqual(1)
      expect(answers.filter((answer) => typeof answer.body.access_token === 'string')).toEqual(winners)
      for (const answer of answers.filter((answer) => answer.status !== 200)) {
        expect(answer.status).toBe(400)
        expect(answer.body.error).toBe('invalid_grant')
      }
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

  for (const client of [APP, OPAQUE_APP]) {
    const format = client === APP ? 'JWT' : 'opaque'
    it(`RFC 9700 §4.14.2: reuse at one instance while the other refreshes leaves no ${format} access token of the grant active`, async () => {
      const [first, second] = instances.urls as [string, string]
      for (let round = 0; round < 5; round++) {
        const { code, verifier } = await authorize(first, client.clientId)
        const issued = await redeemCode(first, code, verifier, await tokenProof(key), client.clientId)
        const rotated = await refresh(
          first,
          issued.body.refresh_token as string,
          await tokenProof(key),
          client.clientId,
        )
        expect(rotated.status).toBe(200)
        // Instance A sees the reuse of the rotated token while instance B rotates the current one.
        const [reuse, racing] = await Promise.all([
          refresh(first, issued.body.refresh_token as string, await tokenProof(key), client.clientId),
          refresh(second, rotated.body.refresh_token as string, await tokenProof(key), client.clientId),
        ])
        expect(reuse.status).toBe(400)
        expect(reuse.body.error).toBe('invalid_grant')
        const accessTokens = [issued, rotated, racing]
          .map((answer) => answer.body.access_token)
          .filter((token): token is string => typeof token === 'string')
        expect(accessTokens.length).toBeGreaterThanOrEqual(2)
        for (const token of accessTokens) {
          expect(await introspect(first, token)).toBe(false)
          expect(await introspect(second, token)).toBe(false)
        }
        for (const answer of [rotated, racing]) {
          const successor = answer.body.refresh_token
          if (typeof successor !== 'string') continue
          const after = await refresh(second, successor, await tokenProof(key), client.clientId)
          expect(after.body.error).toBe('invalid_grant')
        }
      }
    })
  }

  it('RFC 7009 §2.1: a refresh token revoked at one instance takes the access tokens of its grant at the other', async () => {
    const [first, second] = instances.urls as [string, string]
    const { code, verifier } = await authorize(second, OPAQUE_APP.clientId)
    const issued = await redeemCode(second, code, verifier, await tokenProof(key), OPAQUE_APP.clientId)
    expect(await introspect(first, issued.body.access_token as string)).toBe(true)
    expect(await revoke(second, issued.body.refresh_token as string, OPAQUE_APP.clientId)).toBe(200)
    expect(await introspect(first, issued.body.access_token as string)).toBe(false)
  })

  it('RFC 9700 §4.14.2: a refresh token sent to both instances at the same moment rotates once, and its reuse revokes the grant', async () => {
    const [first, second] = instances.urls as [string, string]
    const { code, verifier } = await authorize(second)
    const issued = await redeemCode(second, code, verifier, await tokenProof(key))
    const token = issued.body.refresh_token as string
    const answers = await Promise.all([
      refresh(first, token, await tokenProof(key)),
      refresh(second, token, await tokenProof(key)),
    ])
    // One rotation, one reuse: the reuse revokes the grant, so a rotation that answers after it is
    // refused, and one that answered before holds tokens that are already revoked.
    expect(answers.filter((answer) => answer.status === 200).length).toBeLessThanOrEqual(1)
    expect(answers.filter((answer) => answer.status === 400).length).toBeGreaterThanOrEqual(1)
    for (const answer of answers) {
      if (answer.status !== 200) expect(answer.body.error).toBe('invalid_grant')
    }
    for (const answer of [issued, ...answers]) {
      if (typeof answer.body.access_token === 'string')
        expect(await introspect(first, answer.body.access_token)).toBe(false)
    }
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
    // Written by the flows above: proofs (with their buckets' epoch markers), refresh tokens and their grants
    // (with the grants revoked when a code or a refresh token was replayed), code redemptions and opaque
    // access tokens.
    expect(kinds).toEqual(new Set(['{replay', 'rt', '{grant', 'redeemed', 'at']))
    for (const name of keys) expect(await inspector.pttl(name), name).toBeGreaterThan(0)
  })
})
