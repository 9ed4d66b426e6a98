import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from './memory-storage.js'
import type { CodeRecord, RefreshTokenRecord } from './storage.js'

const code = (expiresAt: number): CodeRecord => ({
  request: {
    clientId: 'c',
    redirectUri: 'https://app.example/cb',
    redirectUriProvided: true,
    scope: '',
    codeChallenge: 'x'.repeat(43),
    pushed: false,
  },
  subject: 'alice',
  scope: '',
  authTime: 0,
  expiresAt,
})

const refresh = (grantId: string): RefreshTokenRecord => ({
  grantId,
  clientId: 'c',
  subject: 'alice',
  scope: '',
  issuedAt: 0,
  expiresAt: 10_000,
})

describe('createMemoryStorage', () => {
  it('consumes a code once, even concurrently', async () => {
    const storage = createMemoryStorage({ now: () => 0 })
    await storage.saveCode('h', code(1000))
    const results = await Promise.all(Array.from({ length: 10 }, () => storage.consumeCode('h')))
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('forgets expired records', async () => {
    let now = 0
    const storage = createMemoryStorage({ now: () => now })
    await storage.saveCode('h', code(1000))
    await storage.revokeAccessToken('jti', 1000)
    now = 1000
    expect(await storage.consumeCode('h')).toBeUndefined()
    expect(await storage.isAccessTokenRevoked('jti')).toBe(false)
  })

  it('rotates refresh tokens: rotated, then reused; a revoked grant reports revoked', async () => {
    const storage = createMemoryStorage({ now: () => 0 })
    await storage.saveRefreshToken('a', refresh('f'))
    await storage.saveRefreshToken('b', refresh('f'))
    expect((await storage.rotateRefreshToken('a'))?.status).toBe('rotated')
    expect((await storage.rotateRefreshToken('a'))?.status).toBe('reused')
    expect((await storage.getRefreshToken('a'))?.status).toBe('used')
    expect((await storage.getRefreshToken('b'))?.status).toBe('active')
    await storage.revokeGrant('f', 10_000)
    expect(await storage.isGrantRevoked('f')).toBe(true)
    expect((await storage.rotateRefreshToken('b'))?.status).toBe('revoked')
    expect((await storage.getRefreshToken('b'))?.status).toBe('revoked')
    expect(await storage.rotateRefreshToken('unknown')).toBeUndefined()
  })

  it('returns copies, so callers cannot change stored records', async () => {
    const storage = createMemoryStorage()
    await storage.saveInteraction('i', { request: code(0).request, expiresAt: Date.now() + 1000 })
    const first = await storage.getInteraction('i')
    if (first) first.request.scope = 'changed'
    expect((await storage.getInteraction('i'))?.request.scope).toBe('')
    expect(await storage.consumeInteraction('i')).toBeDefined()
    expect(await storage.consumeInteraction('i')).toBeUndefined()
    await storage.savePushedRequest('p', { request: code(0).request, expiresAt: Date.now() + 1000 })
    expect(await storage.consumePushedRequest('p')).toBeDefined()
    expect(await storage.consumePushedRequest('p')).toBeUndefined()
  })
})
