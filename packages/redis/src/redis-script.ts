import { createHash } from 'node:crypto'
import type { RedisCaller } from './redis-connection.js'

/** A Lua script run by `EVALSHA`, loaded with `EVAL` on the first `NOSCRIPT` (each Cluster node caches its own). */
export interface RedisScript {
  run(caller: RedisCaller, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>
}

export function redisScript(source: string): RedisScript {
  const sha = createHash('sha1').update(source).digest('hex')
  return {
    async run(caller, keys, args) {
      try {
        return await caller.call('EVALSHA', sha, keys.length, ...keys, ...args)
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
        return caller.call('EVAL', source, keys.length, ...keys, ...args)
      }
    },
  }
}
