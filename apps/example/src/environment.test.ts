import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createSystem, DEFAULT_PORTS } from './create-system.js'
import { portsFromEnvironment, redisUrlFromEnvironment } from './environment.js'
import { describeStartError, UserError } from './user-error.js'

describe('the example reads its environment and names what to change', () => {
  it('takes the ports from AS_PORT, EXPRESS_PORT, KOA_PORT, FASTIFY_PORT and SPA_PORT, else the defaults', () => {
    expect(portsFromEnvironment({})).toEqual(DEFAULT_PORTS)
    expect(portsFromEnvironment({ AS_PORT: '5000', SPA_PORT: ' 0 ', KOA_PORT: '' })).toEqual({
      ...DEFAULT_PORTS,
      authorizationServer: 5000,
      spa: 0,
    })
  })

  it.each(['abc', '4000.5', '-1', '65536', '1e3', '0x10'])(
    'refuses AS_PORT=%s in one line naming the variable',
    (value) => {
      const error = (() => {
        try {
          portsFromEnvironment({ AS_PORT: value })
        } catch (caught) {
          return caught
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(UserError)
      expect(describeStartError(error)).toBe(
        `AS_PORT=${value} is not a port: set it to a number from 1 to 65535 (0 picks a free one)`,
      )
    },
  )

  it('never repeats a REDIS_URL (it may hold a password) when refusing it', () => {
    expect(redisUrlFromEnvironment({ REDIS_URL: 'redis://127.0.0.1:6379' })).toBe('redis://127.0.0.1:6379')
    expect(redisUrlFromEnvironment({ REDIS_URL: '' })).toBeUndefined()
    expect(() => redisUrlFromEnvironment({ REDIS_URL: 'http://user:secret@host' })).toThrow(
      /^REDIS_URL is not a Redis URL: use redis:\/\/host:port/,
    )
    try {
      redisUrlFromEnvironment({ REDIS_URL: 'secret-value' })
    } catch (error) {
      expect(String(error)).not.toContain('secret-value')
    }
  })

  it('names the variable of a port in use', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const failure = await createSystem({
        ports: { authorizationServer: 0, express: 0, koa: port, fastify: 0, spa: 0 },
      }).then(
        async (system) => {
          await system.close()
          return undefined
        },
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(UserError)
      expect(describeStartError(failure)).toBe(
        `KOA_PORT=${port} is in use (the Koa API): choose another with KOA_PORT=<port>, or 0 for any free port`,
      )
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })
})
