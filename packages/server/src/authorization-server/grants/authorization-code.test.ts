import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../memory-storage.js'
import type { Storage } from '../storage.js'
import {
  authorize,
  basic,
  ISSUER,
  json,
  makeServer,
  pkce,
  REDIRECT_URI,
  request,
  SECRET,
  TOKEN_URL,
} from '../test-support.js'

type Server = ReturnType<typeof makeServer>['server']

async function issueCode(server: Server) {
  const { verifier, challenge } = await pkce()
  const result = await authorize(server, {
    response_type: 'code',
    client_id: 'web',
    redirect_uri: REDIRECT_URI,
    scope: 'read',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  return { code: result.get('code') as string, verifier }
}

function redeem(server: Server, code: string, verifier: string) {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
    client_id: 'web',
    client_secret: SECRET,
  })
  return server.handle(request('POST', TOKEN_URL, { body: body.toString() }))
}

async function introspect(server: Server, token: string) {
  const response = await server.handle(
    request('POST', `${ISSUER}/introspect`, {
      headers: { authorization: basic('service', SECRET) },
      body: new URLSearchParams({ token }).toString(),
    }),
  )
  return json(response).active
}

function refresh(server: Server, refreshToken: string) {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: 'web',
    client_secret: SECRET,
  })
  return server.handle(request('POST', TOKEN_URL, { body: body.toString() }))
}

describe('RFC 6749 §4.1.2 / RFC 9700 §4.14.2 authorization code reuse', () => {
  for (const accessTokenFormat of ['jwt', 'opaque'] as const) {
    it(`refuses a reused code and revokes every ${accessTokenFormat} access and refresh token of its grant`, async () => {
      const { server } = makeServer({ accessTokenFormat })
      const { code, verifier } = await issueCode(server)
      const tokens = json(await redeem(server, code, verifier))
      const accessToken = tokens.access_token as string
      const refreshToken = tokens.refresh_token as string
      // A rotated successor belongs to the same family and goes too.
      const rotated = json(await refresh(server, refreshToken))
      expect(await introspect(server, accessToken)).toBe(true)

      const replay = await redeem(server, code, verifier)
      expect(replay?.status).toBe(400)
      expect(json(replay).error).toBe('invalid_grant')

      expect(await introspect(server, accessToken)).toBe(false)
      // One grant: the access token minted by refreshing is revoked with the one minted from the code.
      expect(await introspect(server, rotated.access_token as string)).toBe(false)
      expect(json(await refresh(server, rotated.refresh_token as string)).error).toBe('invalid_grant')
    })
  }

  it('still refuses a reused code, without revoking, when storage lacks the optional redemption methods', async () => {
    const { saveCodeRedemption: _save, consumeCodeRedemption: _consume, ...required } = createMemoryStorage()
    const storage: Storage = required
    const { server } = makeServer({ storage })
    const { code, verifier } = await issueCode(server)
    const tokens = json(await redeem(server, code, verifier))
    const replay = await redeem(server, code, verifier)
    expect(replay?.status).toBe(400)
    expect(json(replay).error).toBe('invalid_grant')
    expect(await introspect(server, tokens.access_token as string)).toBe(true)
  })

  it('a failed redemption (wrong verifier) burns the code but revokes nothing later', async () => {
    const { server } = makeServer()
    const { code } = await issueCode(server)
    const wrong = await redeem(server, code, 'x'.repeat(43))
    expect(json(wrong).error).toBe('invalid_grant')
    expect(json(await redeem(server, code, 'x'.repeat(43))).error).toBe('invalid_grant')
  })
})
