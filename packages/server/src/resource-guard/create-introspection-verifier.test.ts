import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type DPoPError, isDPoPError } from '@dpop/core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createResourceGuard, type ResourceGuardOptions } from './index.js'
import { type ClientKey, clientKey, proof, request } from './test-helpers.js'

const NOW = 1_760_000_000_000
let alice: ClientKey
let server: Server
let endpoint: string
let hits: { authorization: string | undefined; body: URLSearchParams }[] = []
let reply: (token: string) => { status: number; body: unknown }

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    incoming.setEncoding('utf8')
    incoming.on('data', (chunk: string) => {
      text += chunk
    })
    incoming.on('end', () => resolve(text))
    incoming.on('error', reject)
  })
}

beforeAll(async () => {
  alice = await clientKey()
  server = createServer(async (incoming, outgoing) => {
    const body = new URLSearchParams(await readBody(incoming))
    hits.push({ authorization: incoming.headers.authorization, body })
    const answer = reply(body.get('token') ?? '')
    outgoing.writeHead(answer.status, { 'Content-Type': 'application/json' })
    outgoing.end(JSON.stringify(answer.body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

beforeEach(() => {
  hits = []
  reply = (token) => ({
    status: 200,
    body:
      token === 'active-token'
        ? {
            active: true,
            scope: 'read',
            exp: NOW / 1000 + 600,
            token_type: 'DPoP',
            cnf: { jkt: alice.jkt },
            aud: 'https://api.example.com',
          }
        : { active: false },
  })
})

function guard(options: Partial<ResourceGuardOptions> = {}) {
  return createResourceGuard({
    introspection: { endpoint, clientId: 'resource server', clientSecret: 's3cret:&' },
    now: () => NOW,
    ...options,
  })
}

async function dpopRequest(token: string) {
  const dpop = await proof(alice, { accessToken: token, now: NOW })
  return request({ Authorization: `DPoP ${token}`, DPoP: dpop })
}

async function rejection(promise: Promise<unknown>): Promise<DPoPError> {
  try {
    await promise
  } catch (error) {
    if (isDPoPError(error)) return error
    throw error
  }
  throw new Error('expected a DPoPError')
}

describe('RFC 7662 token introspection', () => {
  it('accepts an active token, authenticating with client_secret_basic (RFC 6749 §2.3.1)', async () => {
    const result = await guard().authenticate(await dpopRequest('active-token'))
    expect(result.thumbprint).toBe(alice.jkt)
    expect(result.claims.scope).toBe('read')
    expect(result.claims['active']).toBeUndefined()
    expect(hits).toHaveLength(1)
    expect(hits[0]?.body.get('token')).toBe('active-token')
    expect(hits[0]?.body.get('token_type_hint')).toBe('access_token')
    expect(hits[0]?.body.get('client_secret')).toBeNull()
    const basic = atob((hits[0]?.authorization ?? '').replace(/^Basic /, ''))
    expect(basic).toBe('resource+server:s3cret%3A%26')
  })

  it('sends client_secret_post credentials in the body', async () => {
    const g = guard({
      introspection: {
        endpoint,
        clientId: 'rs',
        clientSecret: 'pw',
        clientAuthentication: 'client_secret_post',
      },
    })
    await g.authenticate(await dpopRequest('active-token'))
    expect(hits[0]?.authorization).toBeUndefined()
    expect(hits[0]?.body.get('client_id')).toBe('rs')
    expect(hits[0]?.body.get('client_secret')).toBe('pw')
  })

  it('rejects an inactive token with invalid_token', async () => {
    const error = await rejection(guard().authenticate(await dpopRequest('revoked-token')))
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_token')
    expect(error.reason).toBe('token_inactive')
  })

  it('caches an active response: the second request does not reach the endpoint', async () => {
    const g = guard()
    await g.authenticate(await dpopRequest('active-token'))
    await g.authenticate(await dpopRequest('active-token'))
    expect(hits).toHaveLength(1)
  })

  it('asks again once the cache maxAge has passed', async () => {
    let clock = NOW
    const g = guard({ now: () => clock, tokenCache: { maxAge: 30 } })
    await g.authenticate(await dpopRequest('active-token'))
    clock = NOW + 31_000
    const dpop = await proof(alice, { accessToken: 'active-token', now: clock })
    await g.authenticate(request({ Authorization: 'DPoP active-token', DPoP: dpop }))
    expect(hits).toHaveLength(2)
  })

  it('does not cache an inactive answer', async () => {
    const g = guard()
    await rejection(g.authenticate(await dpopRequest('revoked-token')))
    await rejection(g.authenticate(await dpopRequest('revoked-token')))
    expect(hits).toHaveLength(2)
  })

  it('checks the audience of the response when configured', async () => {
    const error = await rejection(
      guard({ audience: 'https://elsewhere.example' }).authenticate(await dpopRequest('active-token')),
    )
    expect(error.reason).toBe('token_audience')
  })

  it('fails closed with 503 when the endpoint errors or is unreachable', async () => {
    reply = () => ({ status: 500, body: { error: 'server_error' } })
    const failed = await rejection(guard().authenticate(await dpopRequest('active-token')))
    expect(failed.status).toBe(503)
    expect(failed.code).toBe('temporarily_unavailable')
    expect(failed.reason).toBe('introspection_failed')
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadEndpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/introspect`
    await new Promise((resolve) => closed.close(resolve))
    const g = guard({ introspection: { endpoint: deadEndpoint, clientId: 'rs', clientSecret: 'pw' } })
    const unreachable = await rejection(g.authenticate(await dpopRequest('active-token')))
    expect(unreachable.status).toBe(503)
    expect(unreachable.reason).toBe('introspection_unreachable')
  })

  it('throws TypeError for bad introspection options', () => {
    expect(() =>
      createResourceGuard({ introspection: { endpoint: 'nope', clientId: 'rs', clientSecret: 'x' } }),
    ).toThrow(TypeError)
    expect(() => createResourceGuard({ introspection: { endpoint, clientId: 'rs' } })).toThrow(/clientSecret/)
    expect(() =>
      createResourceGuard({
        introspection: { endpoint, clientId: 'rs', headers: { Authorization: 'Bearer x' } },
      }),
    ).not.toThrow()
  })
})
