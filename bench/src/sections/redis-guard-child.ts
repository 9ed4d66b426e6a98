// One more resource server process on the shared Redis: `node redis-guard-child.js <redis URL> <JWKS JSON>`.
// Prints `{"url": …}` once listening and runs until its stdin closes (its parent ends, or asks it to stop).
import { createRedisClient, createRedisReplayStore } from '@dpop/redis'
import type { JSONWebKeySet } from 'jose'
import { startGuardedApp } from './redis-guard-app.js'
import { REDIS_ROUTE, waitForRedis } from './redis-route.js'

const [redisUrl, jwksText] = process.argv.slice(2) as [string, string]
const redis = createRedisClient(redisUrl)
redis.on('error', () => {})
await waitForRedis(redis)
const app = await startGuardedApp(JSON.parse(jwksText) as JSONWebKeySet, {
  [REDIS_ROUTE]: createRedisReplayStore(redis),
})
process.stdout.write(`${JSON.stringify({ url: app.url })}\n`)
process.stdin.resume()
process.stdin.on('end', async () => {
  await app.close()
  redis.disconnect()
  process.exit(0)
})
