import { describe, expect, it } from 'vitest'
import { createRedisClient, recommendedRedisOptions } from './create-redis-client.js'

describe('createRedisClient', () => {
  it('applies the fail-fast options: no offline queue, no retries, no resend, bounded command and connect time', () => {
    const client = createRedisClient('redis://127.0.0.1:1', { lazyConnect: true })
    expect(client.options).toMatchObject({
      commandTimeout: 1000,
      connectTimeout: 2000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      failoverDetector: true,
    })
    expect(client.options.retryStrategy?.(1)).toBe(100)
    expect(client.options.retryStrategy?.(1000)).toBe(1000)
    client.disconnect()
  })

  it('lets options override the defaults', () => {
    const client = createRedisClient('redis://127.0.0.1:1', { lazyConnect: true, commandTimeout: 250 })
    expect(client.options.commandTimeout).toBe(250)
    expect(client.options.enableOfflineQueue).toBe(recommendedRedisOptions.enableOfflineQueue)
    client.disconnect()
  })

  it('rejects a command at once while disconnected instead of queueing it', async () => {
    const client = createRedisClient('redis://127.0.0.1:1', { lazyConnect: true })
    await expect(client.get('key')).rejects.toThrow()
    client.disconnect()
  })

  it('throws TypeError for a missing or non-Redis URL (an unset REDIS_URL)', () => {
    expect(() => createRedisClient(undefined)).toThrow(TypeError)
    expect(() => createRedisClient('http://127.0.0.1:6379')).toThrow(TypeError)
  })
})
