import { describe, expect, it } from 'vitest'
import {
  basic,
  keyPair,
  makeServer,
  proofFor,
  SECRET,
  TOKEN_URL,
} from '../authorization-server/test-support.js'
import { fetchAuthorizationServer } from './fetch-authorization-server.js'

describe('fetchAuthorizationServer with plain Request objects', () => {
  it('RFC 9449 §5: a token request through a Request gets a DPoP-bound token, whatever host it came through', async () => {
    const { server, time } = makeServer()
    const handle = fetchAuthorizationServer(server)
    const pair = await keyPair()
    const response = await handle(
      new Request('http://127.0.0.1:8787/token', {
        method: 'POST',
        headers: {
          authorization: basic('service', SECRET),
          'content-type': 'application/x-www-form-urlencoded',
          dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
        },
        body: 'grant_type=client_credentials',
      }),
    )
    expect(response?.status).toBe(200)
    expect(await response?.json()).toMatchObject({ token_type: 'DPoP' })
  })

  it('another path is undefined and its body stays unread for the next handler', async () => {
    const handle = fetchAuthorizationServer(makeServer().server)
    const request = new Request('https://as.example/elsewhere', { method: 'POST', body: 'x=1' })
    expect(await handle(request)).toBeUndefined()
    expect(await request.text()).toBe('x=1')
  })

  it('RFC 6749 §3.2: a body longer than the server accepts is 413 invalid_request, never buffered whole', async () => {
    const handle = fetchAuthorizationServer(makeServer().server)
    const response = await handle(
      new Request(TOKEN_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&x=${'a'.repeat(70_000)}`,
      }),
    )
    expect(response?.status).toBe(413)
    expect(await response?.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('a GET of the metadata document is served', async () => {
    const handle = fetchAuthorizationServer(makeServer().server)
    const response = await handle(new Request('https://as.example/.well-known/oauth-authorization-server'))
    expect(response?.status).toBe(200)
    expect(await response?.json()).toMatchObject({ issuer: 'https://as.example' })
  })
})
