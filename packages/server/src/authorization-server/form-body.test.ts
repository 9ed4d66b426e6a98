import { describe, expect, it } from 'vitest'
import { MAX_PARAMETER_LENGTH } from './form-body.js'
import { basic, ISSUER, json, makeServer, REDIRECT_URI, request, SECRET, TOKEN_URL } from './test-support.js'

function tokenRequest(body: string, headers: Record<string, string> = {}) {
  return request('POST', TOKEN_URL, {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basic('service', SECRET),
      ...headers,
    },
    body,
  })
}

describe('RFC 6749 §3.1 request parameters', () => {
  it('rejects a repeated parameter even when one of the repetitions is empty', async () => {
    const { server } = makeServer()
    for (const body of [
      'grant_type=&grant_type=client_credentials',
      'grant_type=client_credentials&grant_type=',
    ]) {
      const response = await server.handle(tokenRequest(body))
      expect(response?.status).toBe(400)
      expect(json(response).error).toBe('invalid_request')
    }
  })

  it('rejects an oversized parameter value, name or count with invalid_request and never echoes it', async () => {
    const { server } = makeServer()
    const long = 'x'.repeat(MAX_PARAMETER_LENGTH + 1)
    const bodies = [
      `grant_type=client_credentials&scope=${long}`,
      `grant_type=client_credentials&${long}=1`,
      `grant_type=client_credentials&${Array.from({ length: 100 }, (_, index) => `p${index}=1`).join('&')}`,
      `grant_type=client_credentials&a=${'y'.repeat(70_000)}`,
    ]
    for (const body of bodies) {
      const response = await server.handle(tokenRequest(body))
      expect(response?.status).toBe(400)
      expect(json(response).error).toBe('invalid_request')
      expect(response?.body.length).toBeLessThan(300)
    }
  })

  it('accepts prototype-pollution names as ordinary, ignored parameters', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials&__proto__=x&constructor=y&prototype=z'),
    )
    expect(response?.status).toBe(200)
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it('an oversized state at the authorization endpoint is refused with 400, never redirected', async () => {
    const { server } = makeServer()
    const url = new URL(`${ISSUER}/authorize`)
    url.searchParams.set('client_id', 'spa')
    url.searchParams.set('redirect_uri', REDIRECT_URI)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
    url.searchParams.set('code_challenge_method', 'S256')
    url.searchParams.set('state', 's'.repeat(MAX_PARAMETER_LENGTH + 1))
    const response = await server.handle(request('GET', url.href))
    expect(response?.status).toBe(400)
    expect(response?.headers.Location).toBeUndefined()
  })
})

describe('RFC 6749 §3.2 token endpoint content type', () => {
  it('rejects a JSON request even when the adapter passed no body or a parsed object', async () => {
    const { server } = makeServer()
    const headers = { 'content-type': 'application/json', authorization: basic('service', SECRET) }
    const withoutBody = await server.handle(request('POST', TOKEN_URL, { headers }))
    expect(json(withoutBody).error).toBe('invalid_request')
    const parsed = await server.handle(
      request('POST', TOKEN_URL, { headers, body: { grant_type: 'client_credentials' } }),
    )
    expect(parsed?.status).toBe(400)
    expect(json(parsed).error).toBe('invalid_request')
  })

  it('accepts form content types with parameters and any case', async () => {
    const { server } = makeServer()
    const response = await server.handle(
      tokenRequest('grant_type=client_credentials', {
        'content-type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
      }),
    )
    expect(response?.status).toBe(200)
  })
})
