import { generateKeyPair, isDPoPError, verifyProof } from '@dpop/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisReplayStore } from './create-redis-replay-store.js'
import {
  type AuthorizationServerInstances,
  ISSUER,
  startAuthorizationServers,
} from './testing/start-authorization-servers.js'
import { type StartedRedis, startRedis } from './testing/start-redis.js'
import { authorize, clientCredentials, redeemCode, refresh, tokenProof } from './testing/token-requests.js'

let redis: StartedRedis
let instances: AuthorizationServerInstances
let key: CryptoKeyPair

beforeAll(async () => {
  redis = await startRedis()
  instances = await startAuthorizationServers(redis.url, 1, 'outage:')
  key = await generateKeyPair('ES256')
})

afterAll(async () => {
  await instances?.close()
  await redis?.stop()
})

const resourceRequest = (proof: string) => ({
  method: 'POST',
  url: `${ISSUER}/token`,
  header: (name: string) => (name.toLowerCase() === 'dpop' ? proof : undefined),
})

describe('fail closed while Redis is down (RFC 9449 §11.1), resume when it is back', () => {
  it('answers 503 temporarily_unavailable and issues nothing when Redis is killed, then 200 after its restart', async () => {
    const [url] = instances.urls as [string]
    const { code, verifier } = await authorize(url)
    const issued = await redeemCode(url, code, verifier, await tokenProof(key))
    expect(issued.status).toBe(200)
    const { code: pendingCode, verifier: pendingVerifier } = await authorize(url)

    await redis.stop('SIGKILL')
    const answers = [
      await clientCredentials(url, await tokenProof(key)),
      await redeemCode(url, pendingCode, pendingVerifier, await tokenProof(key)),
      await refresh(url, issued.body.refresh_token as string, await tokenProof(key)),
    ]
    for (const answer of answers) {
      expect(answer.status).toBe(503)
      expect(answer.body.error).toBe('temporarily_unavailable')
      expect(answer.body.access_token).toBeUndefined()
    }
    // Core verification with the Redis replay store rejects: the proof is not accepted unchecked.
    const [connection] = instances.connections
    if (connection === undefined) throw new Error('no connection')
    const store = createRedisReplayStore(connection)
    const proof = await tokenProof(key)
    const verification = await verifyProof(proof, resourceRequest(proof), { replayStore: store }).catch(
      (error: unknown) => error,
    )
    expect(isDPoPError(verification) && verification.code === 'temporarily_unavailable').toBe(true)

    await redis.restart()
    await instances.ready()
    expect((await clientCredentials(url, await tokenProof(key))).status).toBe(200)
    const { code: freshCode, verifier: freshVerifier } = await authorize(url)
    expect((await redeemCode(url, freshCode, freshVerifier, await tokenProof(key))).status).toBe(200)
  })

  it('answers 503 within the command timeout when Redis hangs, then 200 once it answers again', async () => {
    const [url] = instances.urls as [string]
    const proof = await tokenProof(key)
    redis.pause()
    try {
      const answer = await clientCredentials(url, proof)
      expect(answer.status).toBe(503)
      expect(answer.body.error).toBe('temporarily_unavailable')
    } finally {
      redis.resume()
    }
    await instances.ready()
    // The reservation sent while Redis hung may have landed when it resumed: a fresh proof is accepted.
    expect((await clientCredentials(url, await tokenProof(key))).status).toBe(200)
  })
})
