import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isDPoPError } from '@dpop/core'
import type { JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createResourceGuard } from './index.js'
import {
  AUDIENCE,
  type ClientKey,
  clientKey,
  ISSUER,
  mintToken,
  proof,
  request,
  signingKey,
} from './test-helpers.js'

const NOW = Date.now()
let alice: ClientKey
let server: Server
let jwksUri: string
let published: JWK[] = []
let fetches = 0
let failing = false

beforeAll(async () => {
  alice = await clientKey()
  server = createServer((_incoming, outgoing) => {
    fetches++
    if (failing) {
      outgoing.writeHead(500).end()
      return
    }
    outgoing.writeHead(200, { 'Content-Type': 'application/json' })
    outgoing.end(JSON.stringify({ keys: published }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

async function dpopRequest(token: string) {
  const dpop = await proof(alice, { accessToken: token, now: NOW })
  return request({ Authorization: `DPoP ${token}`, DPoP: dpop })
}

describe('RFC 9068 §4 access tokens verified against a remote JWKS', () => {
  it('fetches the key set once, and again when a token names an unknown kid (rotation)', async () => {
    const first = await signingKey('key-1')
    const second = await signingKey('key-2')
    published = [first.jwk]
    fetches = 0
    const guard = createResourceGuard({
      jwksUri,
      remoteJwks: { cooldownDuration: 0 },
      issuer: ISSUER,
      audience: AUDIENCE,
      tokenCache: false,
    })
    await guard.authenticate(await dpopRequest(await mintToken(first, { jkt: alice.jkt, now: NOW })))
    await guard.authenticate(await dpopRequest(await mintToken(first, { jkt: alice.jkt, now: NOW })))
    expect(fetches).toBe(1)

    published = [second.jwk, first.jwk]
    const result = await guard.authenticate(
      await dpopRequest(await mintToken(second, { jkt: alice.jkt, now: NOW })),
    )
    expect(result.thumbprint).toBe(alice.jkt)
    expect(fetches).toBe(2)

    // A kid that is still unknown after the refresh is an invalid token, not an outage.
    const stranger = await signingKey('key-3')
    const error = await guard
      .authenticate(await dpopRequest(await mintToken(stranger, { jkt: alice.jkt, now: NOW })))
      .catch((caught: unknown) => caught)
    expect(isDPoPError(error) && error.code).toBe('invalid_token')
  })

  it('fails closed with 503 when the key set cannot be fetched', async () => {
    const key = await signingKey('key-1')
    failing = true
    try {
      const guard = createResourceGuard({ jwksUri, issuer: ISSUER, audience: AUDIENCE })
      const error = await guard
        .authenticate(await dpopRequest(await mintToken(key, { jkt: alice.jkt, now: NOW })))
        .catch((caught: unknown) => caught)
      expect(isDPoPError(error) && error.status).toBe(503)
      expect(isDPoPError(error) && error.reason).toBe('jwks_unavailable')
    } finally {
      failing = false
    }
  })
})
