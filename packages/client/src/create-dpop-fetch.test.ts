import { calculateAccessTokenHash, isDPoPError } from '@dpop/core'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { type DPoPTestServer, startDPoPTestServer } from '../test/dpop-test-server.js'
import { createDPoPFetch } from './create-dpop-fetch.js'
import { createDPoPHandle } from './create-dpop-handle.js'

const servers: DPoPTestServer[] = []
async function server(options: Parameters<typeof startDPoPTestServer>[0] = {}) {
  const started = await startDPoPTestServer(options)
  servers.push(started)
  return started
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((started) => started.close()))
})

/** A fetch that never touches the network: it records what it was asked to send. */
function recordingFetch() {
  const sent: Request[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push(new Request(input, init))
    return new Response('{}', { status: 200 })
  }
  return { sent, fetch }
}

function proofOf(request: Request | { headers: Headers }) {
  const proof = request.headers.get('dpop')
  if (proof === null) throw new Error('no DPoP header')
  return { header: decodeProtectedHeader(proof), claims: decodeJwt(proof) }
}

describe('RFC 9449 §4.2 proof contents', () => {
  it('htu drops query and fragment; htm is the method as sent; iat in seconds', async () => {
    const { sent, fetch } = recordingFetch()
    const handle = await createDPoPHandle()
    const dpopFetch = createDPoPFetch(handle, { fetch })
    const before = Math.floor(Date.now() / 1000)
    await dpopFetch('https://h/p?q#f', { method: 'post', body: 'x' })
    await dpopFetch(new URL('https://h/p?q'), { method: 'PATCH' })
    await dpopFetch(new Request('https://h/other#frag', { method: 'DELETE' }))
    const [first, second, third] = sent.map(proofOf)
    expect(first?.header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: handle.publicJwk })
    expect(first?.claims).toMatchObject({ htm: 'POST', htu: 'https://h/p' })
    expect(first?.claims.iat).toBeGreaterThanOrEqual(before)
    expect(first?.claims.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000))
    expect(Number.isInteger(first?.claims.iat)).toBe(true)
    expect(second?.claims).toMatchObject({ htm: 'PATCH', htu: 'https://h/p' })
    expect(third?.claims).toMatchObject({ htm: 'DELETE', htu: 'https://h/other' })
    expect(first?.claims.ath).toBeUndefined()
    expect(first?.claims.nonce).toBeUndefined()
  })

  it('jti is unique over 10,000 proofs', async () => {
    const handle = await createDPoPHandle()
    const jtis = new Set<unknown>()
    for (let index = 0; index < 10_000; index++) {
      jtis.add(decodeJwt(await handle.createProof({ method: 'GET', url: 'https://h/p' })).jti)
    }
    expect(jtis.size).toBe(10_000)
  })

  it('§7.1: ath is the hash of the DPoP access token, and only present with one', async () => {
    const { sent, fetch } = recordingFetch()
    const dpopFetch = createDPoPFetch(await createDPoPHandle(), { fetch })
    await dpopFetch('https://h/r', { headers: { Authorization: 'DPoP token-123' } })
    await dpopFetch('https://h/r')
    expect(proofOf(sent[0] as Request).claims.ath).toBe(await calculateAccessTokenHash('token-123'))
    expect(proofOf(sent[1] as Request).claims.ath).toBeUndefined()
  })

  it('§7.1: refuses to send a token with the Bearer scheme', async () => {
    const { sent, fetch } = recordingFetch()
    const dpopFetch = createDPoPFetch(await createDPoPHandle(), { fetch })
    await expect(dpopFetch('https://h/r', { headers: { Authorization: 'Bearer token' } })).rejects.toThrow(
      TypeError,
    )
    expect(sent).toHaveLength(0)
  })

  it('keeps the request headers and adds exactly one DPoP header', async () => {
    const { sent, fetch } = recordingFetch()
    const dpopFetch = createDPoPFetch(await createDPoPHandle(), { fetch })
    await dpopFetch('https://h/r', { headers: { 'X-Test': '1', DPoP: 'stale' } })
    expect(sent[0]?.headers.get('x-test')).toBe('1')
    expect(sent[0]?.headers.get('dpop')?.split('.')).toHaveLength(3)
  })
})

describe('RFC 9449 §8 and §9 nonces', () => {
  it('§9: a resource nonce is learned, used, and never sent to another origin', async () => {
    const a = await server({ requireNonce: true })
    const b = await server()
    const dpopFetch = createDPoPFetch(await createDPoPHandle())
    expect((await dpopFetch(`${a.url}/r`)).status).toBe(200)
    expect(a.requests.map((request) => request.failure)).toEqual(['nonce_missing', undefined])
    const nonce = a.requests[1]?.proof?.claims.nonce
    expect(typeof nonce).toBe('string')

    expect((await dpopFetch(`${b.url}/r`)).status).toBe(200)
    expect(b.requests[0]?.proof?.claims.nonce).toBeUndefined()

    expect((await dpopFetch(`${a.url}/again`)).status).toBe(200)
    expect(a.requests).toHaveLength(3)
    expect(a.requests[2]?.proof?.claims.nonce).toBe(nonce)
  })

  it('§8: an authorization server nonce (400 JSON use_dpop_nonce) is retried once with a new jti', async () => {
    const as = await server({ requireNonce: true, context: 'token' })
    const dpopFetch = createDPoPFetch(await createDPoPHandle())
    const response = await dpopFetch(`${as.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    })
    expect(response.status).toBe(200)
    expect(as.requests).toHaveLength(2)
    expect(as.requests[0]?.headers.dpop).not.toBe(as.requests[1]?.headers.dpop)
    expect(as.requests[1]?.body).toBe('grant_type=client_credentials')
  })

  it('retries exactly once, then surfaces an error when the server keeps asking', async () => {
    const stubborn = await server({
      respond: (_request, response) =>
        response
          .writeHead(401, {
            'WWW-Authenticate': 'DPoP error="use_dpop_nonce"',
            'DPoP-Nonce': `n${Math.random()}`.replace('.', ''),
          })
          .end(),
    })
    const dpopFetch = createDPoPFetch(await createDPoPHandle())
    const failure = await dpopFetch(`${stubborn.url}/r`).catch((error: unknown) => error)
    expect(isDPoPError(failure) && failure.reason).toBe('nonce_retry_exhausted')
    expect(stubborn.requests).toHaveLength(2)
  })

  it('RFC 9110 §11.6.1: finds the DPoP challenge among several, case-insensitively', async () => {
    let calls = 0
    const asks = await server({
      respond: (_request, response) => {
        if (calls++ > 0) return void response.writeHead(200).end()
        response
          .writeHead(401, {
            'WWW-Authenticate': 'Bearer realm="r", dpop ALGS="ES256", ERROR=use_dpop_nonce',
            'DPoP-Nonce': 'server-nonce',
          })
          .end()
      },
    })
    const dpopFetch = createDPoPFetch(await createDPoPHandle())
    expect((await dpopFetch(`${asks.url}/r`)).status).toBe(200)
    expect(asks.requests[1]?.proof?.claims.nonce).toBe('server-nonce')
  })

  it('does not retry other errors', async () => {
    const failing = await server({
      respond: (_request, response) =>
        response.writeHead(401, { 'WWW-Authenticate': 'DPoP error="invalid_token"' }).end(),
    })
    const dpopFetch = createDPoPFetch(await createDPoPHandle())
    expect((await dpopFetch(`${failing.url}/r`)).status).toBe(401)
    expect(failing.requests).toHaveLength(1)
  })
})

describe('RFC 9449 §11.1 clock offset', () => {
  const tenMinutes = 10 * 60_000

  it('a server 10 minutes ahead requiring nonces: the clock and then the nonce are learned, one retry each', async () => {
    const ahead = await server({ now: () => Date.now() + tenMinutes, requireNonce: true, context: 'token' })
    const handle = await createDPoPHandle()
    const dpopFetch = createDPoPFetch(handle)
    expect((await dpopFetch(`${ahead.url}/token`, { method: 'POST' })).status).toBe(200)
    expect(handle.clockOffset).toBeGreaterThan(tenMinutes - 5_000)
    expect(handle.clockOffset).toBeLessThan(tenMinutes + 5_000)
    // Later proofs are on the server's clock from the start.
    expect((await dpopFetch(`${ahead.url}/token`, { method: 'POST' })).status).toBe(200)
    // core checks iat before the nonce: the first answer teaches the clock, the second the nonce.
    expect(ahead.requests.map((request) => request.failure)).toEqual([
      'iat_too_old',
      'nonce_missing',
      undefined,
      undefined,
    ])
  })

  it('a server 10 minutes ahead without nonces: invalid_dpop_proof with a far Date is retried once', async () => {
    const ahead = await server({ now: () => Date.now() + tenMinutes })
    const handle = await createDPoPHandle()
    const dpopFetch = createDPoPFetch(handle)
    expect((await dpopFetch(`${ahead.url}/r`)).status).toBe(200)
    expect(ahead.requests.map((request) => request.failure)).toEqual(['iat_too_old', undefined])
  })

  it('a client clock 10 minutes behind (injected now) is corrected', async () => {
    const correct = await server()
    const handle = await createDPoPHandle({ now: () => Date.now() - tenMinutes })
    const dpopFetch = createDPoPFetch(handle)
    expect((await dpopFetch(`${correct.url}/r`)).status).toBe(200)
    expect(Math.abs(handle.clockOffset - tenMinutes)).toBeLessThan(5_000)
  })

  it('a small skew is not adopted and does not cause a retry', async () => {
    const near = await server({ now: () => Date.now() + 10_000 })
    const handle = await createDPoPHandle()
    expect((await createDPoPFetch(handle)(`${near.url}/r`)).status).toBe(200)
    expect(handle.clockOffset).toBe(0)
    expect(near.requests).toHaveLength(1)
  })
})

describe('request bodies and the retry', () => {
  function streamOf(...parts: string[]) {
    const encoder = new TextEncoder()
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(encoder.encode(part))
        controller.close()
      },
    })
  }

  it('a short stream body is kept and sent again on the retry', async () => {
    const as = await server({ requireNonce: true, context: 'token' })
    const dpopFetch = createDPoPFetch(await createDPoPHandle())
    const init = { method: 'POST', body: streamOf('hello ', 'stream'), duplex: 'half' } as RequestInit
    expect((await dpopFetch(`${as.url}/upload`, init)).status).toBe(200)
    expect(as.requests.map((request) => request.body)).toEqual(['hello stream', 'hello stream'])
  })

  it('a stream longer than maxReplayBodyBytes is not retried: clear error, one request', async () => {
    const as = await server({ requireNonce: true, context: 'token' })
    const dpopFetch = createDPoPFetch(await createDPoPHandle(), { maxReplayBodyBytes: 8 })
    const init = {
      method: 'POST',
      body: streamOf('more than ', 'eight bytes'),
      duplex: 'half',
    } as RequestInit
    const failure = await dpopFetch(`${as.url}/upload`, init).catch((error: unknown) => error)
    expect(isDPoPError(failure) && failure.reason).toBe('body_not_replayable')
    expect(failure).toHaveProperty('message', expect.stringContaining('cannot be sent again'))
    expect(as.requests).toHaveLength(1)
  })

  it('a Request with a body is replayed on the retry', async () => {
    const as = await server({ requireNonce: true, context: 'token' })
    const dpopFetch = createDPoPFetch(await createDPoPHandle())
    const response = await dpopFetch(new Request(`${as.url}/token`, { method: 'POST', body: 'a=1' }))
    expect(response.status).toBe(200)
    expect(as.requests.map((request) => request.body)).toEqual(['a=1', 'a=1'])
  })
})
