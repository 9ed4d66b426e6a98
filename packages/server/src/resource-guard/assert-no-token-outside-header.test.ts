import { type DPoPError, parseWWWAuthenticate } from '@dpop/core'
import { describe, expect, it } from 'vitest'
import { createNeutralRequest } from '../http/create-neutral-request.js'
import { createResourceGuard } from './create-resource-guard.js'
import { guardTestOptions, mintToken, proof, rejection, URL_, useGuardTestKeys } from './test-helpers.js'

const NOW = 1_760_000_000_000
const keys = useGuardTestKeys()

function guard() {
  return createResourceGuard(guardTestOptions(keys, NOW))
}

/** A valid DPoP request for `method url`, with extra headers and the body as the framework parsed it. */
async function validRequest(
  options: { method?: string; url?: string; headers?: Record<string, string>; body?: unknown } = {},
) {
  const method = options.method ?? 'GET'
  const url = options.url ?? URL_
  const token = await mintToken(keys.asKey, { jkt: keys.alice.jkt, now: NOW })
  const dpop = await proof(keys.alice, { htm: method, htu: url, accessToken: token, now: NOW })
  return {
    token,
    request: createNeutralRequest(
      method,
      url,
      { authorization: `DPoP ${token}`, dpop, ...options.headers },
      undefined,
      options.body,
    ),
  }
}

function expectInvalidRequest(error: DPoPError, reason: string): void {
  expect(error.code).toBe('invalid_request')
  expect(error.reason).toBe(reason)
  expect(error.status).toBe(400)
  const [challenge] = parseWWWAuthenticate(error.headers['WWW-Authenticate'] as string)
  expect(challenge?.scheme).toBe('DPoP')
  expect(challenge?.params.error).toBe('invalid_request')
  expect(challenge?.params.algs).toBeTruthy()
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

describe('RFC 6750 §2.3 and RFC 9449 §7: no access token in the URI query', () => {
  it.each([
    '?access_token=x',
    '?a=1&access_token=',
    '?access%5Ftoken=x',
    '?access_token[]=x',
    '?access_token%5B0%5D=x',
  ])('refuses %s beside a valid Authorization: DPoP and proof', async (query) => {
    const { request } = await validRequest({ url: `${URL_}${query}` })
    expectInvalidRequest(await rejection(guard().authenticate(request)), 'token_in_query')
  })

  it('refuses a query token alone, before asking for credentials', async () => {
    const request = createNeutralRequest('GET', `${URL_}?access_token=x`, {})
    expectInvalidRequest(await rejection(guard().authenticate(request)), 'token_in_query')
  })

  it('accepts other query parameters, a look-alike name and a fragment', async () => {
    for (const query of ['?q=access_token', '?access_tokens=1', '?x_access_token=1', '#access_token=x']) {
      const { request } = await validRequest({ url: `${URL_}${query}` })
      expect((await guard().authenticate(request)).scheme).toBe('DPoP')
    }
  })
})

describe('RFC 6750 §2.2 and RFC 9449 §7: no access token in a form body', () => {
  it.each([
    ['a parsed record', { access_token: 'x' }],
    ['a null-prototype record', Object.assign(Object.create(null), { a: '1', access_token: ['x', 'y'] })],
    ['URLSearchParams', new URLSearchParams('a=1&access_token=x')],
    ['the raw string', 'a=1&access_token=x'],
    ['a qs-style key', { 'access_token[]': 'x' }],
  ])('refuses %s beside a valid Authorization: DPoP and proof', async (_kind, body) => {
    const { request } = await validRequest({ method: 'POST', headers: FORM, body })
    expectInvalidRequest(await rejection(guard().authenticate(request)), 'token_in_body')
  })

  it('reads the media type case-insensitively with parameters', async () => {
    const { request } = await validRequest({
      method: 'POST',
      headers: { 'content-type': 'Application/X-WWW-Form-URLEncoded; charset=UTF-8' },
      body: { access_token: 'x' },
    })
    expectInvalidRequest(await rejection(guard().authenticate(request)), 'token_in_body')
  })

  it('refuses a form token alone', async () => {
    const request = createNeutralRequest('POST', URL_, FORM, undefined, { access_token: 'x' })
    expectInvalidRequest(await rejection(guard().authenticate(request)), 'token_in_body')
  })

  it('ignores access_token in a body that is not a form (JSON is application data), or no parsed body', async () => {
    for (const [headers, body] of [
      [{ 'content-type': 'application/json' }, { access_token: 'x' }],
      [{}, { access_token: 'x' }],
      [FORM, undefined],
      [FORM, null],
      [FORM, { a: 'access_token' }],
      [FORM, new Uint8Array([1, 2])],
    ] as const) {
      const { request } = await validRequest({ method: 'POST', headers, body })
      expect((await guard().authenticate(request)).scheme).toBe('DPoP')
    }
  })
})
