import type { AuthorizationRequestRecord, RefreshTokenRecord, Storage } from '@dpop/server'
import { describe, expect, it } from 'vitest'

const request: AuthorizationRequestRecord = {
  clientId: 'app',
  redirectUri: 'https://app.example/callback',
  redirectUriProvided: true,
  scope: 'read',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  dpopJkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  pushed: false,
}
const inOneMinute = () => Date.now() + 60_000
const expired = () => Date.now() - 1000

function refreshToken(grantId: string, expiresAt = inOneMinute()): RefreshTokenRecord {
  return {
    grantId,
    clientId: 'app',
    subject: 'alice',
    scope: 'read',
    jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    issuedAt: Math.floor(Date.now() / 1000),
    expiresAt,
  }
}

/**
 * The behaviour every `Storage` must show, checked against the in-memory reference and Redis alike: one
 * consumption of codes, pushed requests and interactions; rotation and reuse of refresh tokens; grant
 * revocation; revoked ids; expiry. `create` returns a fresh, empty storage.
 */
export function describeStorageConformance(name: string, create: () => Storage): void {
  describe(`Storage conformance: ${name}`, () => {
    it('stores and reads registered clients, with and without expiry', async () => {
      const storage = create()
      const record = {
        clientId: 'registered',
        tokenEndpointAuthMethod: 'none' as const,
        redirectUris: ['https://app.example/cb'],
        grantTypes: ['authorization_code' as const],
        tokenBinding: 'dpop' as const,
        issuedAt: 1_700_000_000,
      }
      await storage.saveClient(record)
      expect(await storage.getClient('registered')).toEqual(record)
      await storage.saveClient({ ...record, clientId: 'gone', expiresAt: expired() })
      expect(await storage.getClient('gone')).toBeUndefined()
      expect(await storage.getClient('unknown')).toBeUndefined()
    })

    it('consumes an authorization code once (RFC 6749 §4.1.2), even when redeemed concurrently', async () => {
      const storage = create()
      const code = {
        request,
        subject: 'alice',
        scope: 'read',
        authTime: 1_700_000_000,
        expiresAt: inOneMinute(),
      }
      await storage.saveCode('code-hash', code)
      const results = await Promise.all(Array.from({ length: 20 }, () => storage.consumeCode('code-hash')))
      expect(results.filter((result) => result !== undefined)).toEqual([code])
      expect(await storage.consumeCode('code-hash')).toBeUndefined()
    })

    it('remembers the grant a redeemed code started, once (RFC 6749 §4.1.2, RFC 9700 §4.14.2)', async () => {
      const storage = create()
      const redemption = { grantId: 'grant-1', expiresAt: inOneMinute() }
      await storage.saveCodeRedemption?.('code-hash', redemption)
      const results = await Promise.all(
        Array.from({ length: 10 }, () => storage.consumeCodeRedemption?.('code-hash')),
      )
      expect(results.filter((result) => result !== undefined)).toEqual([redemption])
      expect(await storage.consumeCodeRedemption?.('code-hash')).toBeUndefined()
    })

    it('uses a pushed authorization request once (RFC 9126 §4)', async () => {
      const storage = create()
      const record = { request: { ...request, pushed: true }, expiresAt: inOneMinute() }
      await storage.savePushedRequest('request-id', record)
      const results = await Promise.all([
        storage.consumePushedRequest('request-id'),
        storage.consumePushedRequest('request-id'),
      ])
      expect(results.filter((result) => result !== undefined)).toEqual([record])
    })

    it('reads an interaction several times and completes it once', async () => {
      const storage = create()
      const record = { request, expiresAt: inOneMinute() }
      await storage.saveInteraction('interaction-id', record)
      expect(await storage.getInteraction('interaction-id')).toEqual(record)
      expect(await storage.getInteraction('interaction-id')).toEqual(record)
      const results = await Promise.all([
        storage.consumeInteraction('interaction-id'),
        storage.consumeInteraction('interaction-id'),
      ])
      expect(results.filter((result) => result !== undefined)).toEqual([record])
      expect(await storage.getInteraction('interaction-id')).toBeUndefined()
    })

    it('rotates a refresh token once; reuse is reported and revoking the grant revokes every member', async () => {
      const storage = create()
      const first = refreshToken('family-1')
      await storage.saveRefreshToken('rt-1', first)
      expect(await storage.getRefreshToken('rt-1')).toEqual({ record: first, status: 'active' })

      const rotations = await Promise.all(
        Array.from({ length: 10 }, () => storage.rotateRefreshToken('rt-1')),
      )
      expect(rotations.filter((rotation) => rotation?.status === 'rotated')).toHaveLength(1)
      expect(rotations.filter((rotation) => rotation?.status === 'reused')).toHaveLength(9)
      expect(await storage.getRefreshToken('rt-1')).toEqual({ record: first, status: 'used' })

      const second = refreshToken('family-1')
      await storage.saveRefreshToken('rt-2', second)
      expect((await storage.getRefreshToken('rt-2'))?.status).toBe('active')

      expect((await storage.rotateRefreshToken('rt-1'))?.status).toBe('reused')
      expect(await storage.isGrantRevoked('family-1')).toBe(false)
      await storage.revokeGrant('family-1', inOneMinute())
      expect(await storage.isGrantRevoked('family-1')).toBe(true)
      expect(await storage.rotateRefreshToken('rt-2')).toEqual({ record: second, status: 'revoked' })
      expect((await storage.getRefreshToken('rt-2'))?.status).toBe('revoked')
      expect((await storage.getRefreshToken('rt-1'))?.status).toBe('revoked')

      // Another grant is untouched.
      await storage.saveRefreshToken('rt-other', refreshToken('family-2'))
      expect((await storage.rotateRefreshToken('rt-other'))?.status).toBe('rotated')
      expect(await storage.isGrantRevoked('family-2')).toBe(false)
    })

    it('RFC 9700 §4.14.2: a grant revocation covers refresh tokens saved after it and outlives each of them', async () => {
      const storage = create()
      const soon = Date.now() + 150
      const later = Date.now() + 5000
      await storage.revokeGrant('grant-late', soon)
      // A rotation that raced the revocation saves its successor afterwards: it is born revoked, and the
      // revocation now lasts as long as that successor.
      await storage.saveRefreshToken('rt-late', refreshToken('grant-late', later))
      expect((await storage.getRefreshToken('rt-late'))?.status).toBe('revoked')
      // A member saved before the revocation keeps it alive too.
      await storage.saveRefreshToken('rt-long', refreshToken('grant-long', later))
      await storage.revokeGrant('grant-long', soon)
      await new Promise((resolve) => setTimeout(resolve, 300))
      for (const grantId of ['grant-late', 'grant-long'])
        expect(await storage.isGrantRevoked(grantId)).toBe(true)
      expect((await storage.rotateRefreshToken('rt-late'))?.status).toBe('revoked')
      expect((await storage.rotateRefreshToken('rt-long'))?.status).toBe('revoked')
      await storage.revokeGrant('grant-gone', expired())
      expect(await storage.isGrantRevoked('grant-gone')).toBe(false)
    })

    it('RFC 9700 §4.14.2: revoking one grant from many callers at once is one revocation', async () => {
      const storage = create()
      await storage.saveRefreshToken('rt-many', refreshToken('grant-many'))
      await Promise.all(Array.from({ length: 10 }, () => storage.revokeGrant('grant-many', inOneMinute())))
      expect(await storage.isGrantRevoked('grant-many')).toBe(true)
      expect((await storage.rotateRefreshToken('rt-many'))?.status).toBe('revoked')
    })

    it('keeps the grant id of an opaque access token', async () => {
      const storage = create()
      const record = {
        jti: 'jti-grant',
        grantId: 'grant-at',
        clientId: 'app',
        subject: 'alice',
        scope: 'read',
        audience: 'https://api.example',
        issuedAt: 1_700_000_000,
        expiresAt: inOneMinute(),
      }
      await storage.saveAccessToken('at-grant', record)
      expect(await storage.getAccessToken('at-grant')).toEqual(record)
    })

    it('answers undefined for unknown and expired refresh tokens', async () => {
      const storage = create()
      expect(await storage.getRefreshToken('unknown')).toBeUndefined()
      expect(await storage.rotateRefreshToken('unknown')).toBeUndefined()
      await storage.saveRefreshToken('rt-expired', refreshToken('family-3', expired()))
      expect(await storage.getRefreshToken('rt-expired')).toBeUndefined()
      expect(await storage.rotateRefreshToken('rt-expired')).toBeUndefined()
    })

    it('stores opaque access tokens and remembers revoked token ids (RFC 7009)', async () => {
      const storage = create()
      const record = {
        jti: 'jti-1',
        clientId: 'app',
        subject: 'alice',
        scope: 'read',
        audience: 'https://api.example',
        jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
        issuedAt: 1_700_000_000,
        expiresAt: inOneMinute(),
      }
      await storage.saveAccessToken('at-hash', record)
      expect(await storage.getAccessToken('at-hash')).toEqual(record)
      expect(await storage.getAccessToken('other')).toBeUndefined()

      expect(await storage.isAccessTokenRevoked('jti-1')).toBe(false)
      await storage.revokeAccessToken('jti-1', inOneMinute())
      expect(await storage.isAccessTokenRevoked('jti-1')).toBe(true)
      await storage.revokeAccessToken('jti-2', expired())
      expect(await storage.isAccessTokenRevoked('jti-2')).toBe(false)
    })

    it('respects expiry of codes, pushed requests, interactions and access tokens', async () => {
      const storage = create()
      await storage.saveCode('old-code', {
        request,
        subject: 'alice',
        scope: '',
        authTime: 0,
        expiresAt: expired(),
      })
      await storage.savePushedRequest('old-par', { request, expiresAt: expired() })
      await storage.saveInteraction('old-interaction', { request, expiresAt: expired() })
      await storage.saveAccessToken('old-at', {
        jti: 'j',
        clientId: 'app',
        subject: 'alice',
        scope: '',
        audience: 'a',
        issuedAt: 0,
        expiresAt: expired(),
      })
      expect(await storage.consumeCode('old-code')).toBeUndefined()
      expect(await storage.consumePushedRequest('old-par')).toBeUndefined()
      expect(await storage.getInteraction('old-interaction')).toBeUndefined()
      expect(await storage.consumeInteraction('old-interaction')).toBeUndefined()
      expect(await storage.getAccessToken('old-at')).toBeUndefined()
    })

    it('returns copies: mutating a returned record does not change the stored one', async () => {
      const storage = create()
      await storage.saveInteraction('copied', { request, expiresAt: inOneMinute() })
      const read = await storage.getInteraction('copied')
      if (read === undefined) throw new Error('missing')
      read.request.scope = 'admin'
      expect((await storage.getInteraction('copied'))?.request.scope).toBe('read')
    })
  })
}
