import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@dpop/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthorizationServerInstances,
  startAuthorizationServers,
} from './testing/start-authorization-servers.js'
import { type StartedRedis, startRedis } from './testing/start-redis.js'
import { authorize, redeemCode, refresh, tokenProof } from './testing/token-requests.js'

let directory: string
let redis: StartedRedis
let instances: AuthorizationServerInstances

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'dpop-redis-aof-'))
  redis = await startRedis({ args: ['--appendonly', 'yes', '--dir', directory] })
  instances = await startAuthorizationServers(redis.url, 2, 'aof:')
})

afterAll(async () => {
  await instances?.close()
  await redis?.stop()
  rmSync(directory, { recursive: true, force: true })
})

describe('Redis with AOF persistence', () => {
  it('keeps issued refresh tokens, their rotation state and families across a Redis restart', async () => {
    const [first, second] = instances.urls as [string, string]
    const key = await generateKeyPair('ES256')
    const { code, verifier } = await authorize(first)
    const issued = await redeemCode(first, code, verifier, await tokenProof(key))
    const original = issued.body.refresh_token as string
    const rotated = await refresh(first, original, await tokenProof(key))
    expect(rotated.status).toBe(200)

    await redis.restart()
    await instances.ready()

    const successor = await refresh(second, rotated.body.refresh_token as string, await tokenProof(key))
    expect(successor.status).toBe(200)
    expect(typeof successor.body.access_token).toBe('string')
    // The rotation before the restart was persisted too: the original is still a reuse.
    const reused = await refresh(second, original, await tokenProof(key))
    expect(reused.status).toBe(400)
    expect(reused.body.error).toBe('invalid_grant')
  })
})
