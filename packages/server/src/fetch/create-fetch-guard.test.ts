import { parseWWWAuthenticate } from '@dpop/core'
import { describe, expect, it } from 'vitest'
import {
  AUDIENCE,
  guardTestOptions,
  ISSUER,
  mintToken,
  proof,
  URL_,
  useGuardTestKeys,
} from '../resource-guard/test-helpers.js'
import { createFetchGuard, type FetchGuardOptions } from './create-fetch-guard.js'

const NOW = 1_760_000_000_000
const keys = useGuardTestKeys()

function guard(options: Partial<FetchGuardOptions> & { credentialsRequired?: true } = {}) {
  return createFetchGuard({
    ...guardTestOptions(keys, NOW),
    ...options,
  } as FetchGuardOptions & { credentialsRequired?: true })
}

async function dpopHeaders(htm = 'GET', htu = URL_): Promise<Record<string, string>> {
  const token = await mintToken(keys.asKey, { jkt: keys.alice.jkt, now: NOW })
  return {
    authorization: `DPoP ${token}`,
    dpop: await proof(keys.alice, { htm, htu, accessToken: token, now: NOW }),
  }
}

describe('createFetchGuard with plain Request objects', () => {
  it('RFC 9449 §7.1: a valid DPoP request resolves to the authentication', async () => {
    const result = await guard()(new Request(URL_, { headers: await dpopHeaders() }))
    expect(result).not.toBeInstanceOf(Response)
    if (result instanceof Response) return
    expect(result.scheme).toBe('DPoP')
    expect(result.thumbprint).toBe(keys.alice.jkt)
    expect(result.claims.sub).toBe('user-1')
  })

  it('RFC 9449 §7.1, RFC 6750 §3.1: no headers (Headers.get gives null) is a 401 challenge without error', async () => {
    const response = await guard()(new Request(URL_))
    expect(response).toBeInstanceOf(Response)
    if (!(response instanceof Response)) return
    expect(response.status).toBe(401)
    const [challenge] = parseWWWAuthenticate(response.headers.get('www-authenticate') ?? '')
    expect(challenge?.scheme).toBe('DPoP')
    expect(challenge?.params.error).toBeUndefined()
    expect(await response.text()).toBe('')
  })

  it('RFC 9449 §4.3: a DPoP token without a DPoP header (null) is refused as a missing proof', async () => {
    const { authorization = '' } = await dpopHeaders()
    const response = (await guard()(new Request(URL_, { headers: { authorization } }))) as Response
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' })
  })

  it('RFC 9449 §4.3 step 1: two DPoP values, joined by Headers, are refused', async () => {
    const headers = new Headers(await dpopHeaders())
    headers.append('dpop', await proof(keys.alice, { now: NOW }))
    const response = (await guard()(new Request(URL_, { headers }))) as Response
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' })
  })

  it('RFC 6750 §2.2: an access_token in a form body is 400, and the route can still read the body', async () => {
    const form = 'access_token=leaked&x=1'
    const init = {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }
    const refused = new Request(URL_, {
      ...init,
      headers: { ...init.headers, ...(await dpopHeaders('POST')) },
    })
    const response = (await guard()(refused)) as Response
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
    expect(await refused.text()).toBe(form)

    const allowed = new Request(URL_, {
      ...init,
      body: 'x=1',
      headers: { ...init.headers, ...(await dpopHeaders('POST')) },
    })
    expect(await guard()(allowed)).not.toBeInstanceOf(Response)
    expect(await allowed.text()).toBe('x=1')
  })

  it('RFC 6750 §2.2: a form longer than formBodyLimit is 413, not buffered', async () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(await dpopHeaders('POST')) }
    const request = new Request(URL_, { method: 'POST', body: `x=${'a'.repeat(200)}`, headers })
    const response = (await guard({ formBodyLimit: 100 })(request)) as Response
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('RFC 6750 §2.3: an access_token in the query is 400 beside a valid header', async () => {
    const url = `${URL_}?access_token=leaked`
    const response = (await guard()(new Request(url, { headers: await dpopHeaders('GET', url) }))) as Response
    expect(response.status).toBe(400)
  })

  it('RFC 9449 §4.3 step 9: publicUrl replaces the origin the Request was addressed to', async () => {
    const local = 'http://127.0.0.1:8787/v1/items'
    const request = new Request(local, { headers: await dpopHeaders('GET', URL_) })
    expect(await guard({ publicUrl: 'https://api.example.com' })(request)).not.toBeInstanceOf(Response)
    const unmapped = new Request(local, { headers: await dpopHeaders('GET', URL_) })
    expect(((await guard()(unmapped)) as Response).status).toBe(401)
  })

  it('protect() answers refusals without the handler and adds CORS and nonce headers to its response', async () => {
    let calls = 0
    const handler = guard({ allowedOrigins: ['https://app.example'] }).protect(
      (_request, authentication, context: { id: string }) => {
        calls++
        return Response.json({ sub: authentication.claims.sub, id: context.id })
      },
    )
    const refused = await handler(new Request(URL_), { id: 'a' })
    expect(refused.status).toBe(401)
    expect(calls).toBe(0)

    const headers = { ...(await dpopHeaders()), origin: 'https://app.example' }
    const response = await handler(new Request(URL_, { headers }), { id: 'a' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ sub: 'user-1', id: 'a' })
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example')

    const preflight = await handler(
      new Request(URL_, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
      }),
      { id: 'a' },
    )
    expect(preflight.status).toBe(204)
    expect(calls).toBe(1)
  })

  it('protect() adds headers to a response whose headers are immutable', async () => {
    const handler = guard({ allowedOrigins: ['https://app.example'] }).protect(() =>
      Response.redirect('https://api.example.com/elsewhere', 302),
    )
    const headers = { ...(await dpopHeaders()), origin: 'https://app.example' }
    const response = await handler(new Request(URL_, { headers }))
    expect(response.status).toBe(302)
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example')
  })

  it('errors other than DPoPError reject, for the runtime or framework to handle', async () => {
    // A nonce policy that throws stands for any failure that is not the client's.
    const failing = guard({
      nonce: () => {
        throw new Error('introspection endpoint down')
      },
    })
    await expect(failing(new Request(URL_, { headers: await dpopHeaders() }))).rejects.toThrow(
      'introspection endpoint down',
    )
  })

  it('RFC 6750 §3.1: with credentialsRequired false, no credentials pass anonymously, failing ones are refused', async () => {
    const optional = createFetchGuard({
      jwks: { keys: [keys.asKey.jwk] },
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW,
      allowedOrigins: ['https://app.example'],
      credentialsRequired: false,
    })
    const anonymous = await optional(new Request(URL_, { headers: { origin: 'https://app.example' } }))
    expect(anonymous).toEqual({
      anonymous: true,
      responseHeaders: expect.objectContaining({ 'Access-Control-Allow-Origin': 'https://app.example' }),
    })
    const seen: unknown[] = []
    const handler = optional.protect((_request, authentication) => {
      seen.push(authentication?.claims.sub)
      return new Response('ok')
    })
    expect((await handler(new Request(URL_))).status).toBe(200)
    expect((await handler(new Request(URL_, { headers: await dpopHeaders() }))).status).toBe(200)
    const { dpop = '' } = await dpopHeaders()
    expect((await handler(new Request(URL_, { headers: { dpop } }))).status).toBe(401)
    expect((await handler(new Request(`${URL_}?access_token=x`))).status).toBe(400)
    expect(seen).toEqual([undefined, 'user-1'])
  })

  it('rejects invalid options with TypeError before any request', () => {
    expect(() => guard({ credentialsRequired: 'no' as unknown as true })).toThrow(TypeError)
    expect(() => guard({ publicUrl: 'api.example.com' })).toThrow(TypeError)
    expect(() => guard({ formBodyLimit: -1 })).toThrow(TypeError)
  })
})
