import { calculateJwkThumbprint, exportJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from './memory-storage.js'
import {
  authorize,
  decodeJwtPayload,
  ISSUER,
  json,
  keyPair,
  makeServer,
  pkce,
  proofFor,
  REDIRECT_URI,
  request,
  SECRET,
  TOKEN_URL,
} from './test-support.js'
import type { InteractionContext } from './types.js'

const AUTHORIZE_URL = `${ISSUER}/authorize`

function authorizeUrl(parameters: Record<string, string>): string {
  const url = new URL(AUTHORIZE_URL)
  for (const [name, value] of Object.entries(parameters)) url.searchParams.append(name, value)
  return url.href
}

async function baseParameters(extra: Record<string, string> = {}) {
  const { verifier, challenge } = await pkce()
  return {
    verifier,
    parameters: {
      response_type: 'code',
      client_id: 'spa',
      redirect_uri: REDIRECT_URI,
      state: 'xyz',
      scope: 'read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    },
  }
}

function redeem(
  server: ReturnType<typeof makeServer>['server'],
  code: string,
  verifier: string,
  options: { dpop?: string; redirectUri?: string | null; clientId?: string } = {},
) {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    client_id: options.clientId ?? 'spa',
  })
  if (options.redirectUri !== null) body.set('redirect_uri', options.redirectUri ?? REDIRECT_URI)
  return server.handle(
    request('POST', TOKEN_URL, {
      headers: options.dpop === undefined ? {} : { dpop: options.dpop },
      body: body.toString(),
    }),
  )
}

describe('RFC 6749 §4.1 authorization code grant with PKCE (RFC 7636) and RFC 9207 iss', () => {
  it('redirects with code, state and iss, and redeems the code once for a DPoP-bound token', async () => {
    const { server, time } = makeServer()
    const { verifier, parameters } = await baseParameters()
    const result = await authorize(server, parameters)
    expect(result.get('state')).toBe('xyz')
    expect(result.get('iss')).toBe(ISSUER)
    const code = result.get('code') as string
    const pair = await keyPair()
    const response = await redeem(server, code, verifier, {
      dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
    })
    expect(response?.status, response?.body).toBe(200)
    const body = json(response)
    expect(body).toMatchObject({ token_type: 'DPoP', scope: 'read' })
    expect(typeof body.refresh_token).toBe('string')
    expect(decodeJwtPayload(body.access_token as string)).toMatchObject({
      sub: 'alice',
      client_id: 'spa',
      cnf: { jkt: await calculateJwkThumbprint(await exportJWK(pair.publicKey)) },
    })
    const again = await redeem(server, code, verifier, {
      dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
    })
    expect(json(again).error).toBe('invalid_grant')
  })

  it('redeems one code exactly once under 10 concurrent requests', async () => {
    const { server, time } = makeServer()
    const { verifier, parameters } = await baseParameters()
    const code = (await authorize(server, parameters)).get('code') as string
    const pair = await keyPair()
    const proofs = await Promise.all(
      Array.from({ length: 10 }, () => proofFor(pair, TOKEN_URL, time.seconds())),
    )
    const responses = await Promise.all(proofs.map((dpop) => redeem(server, code, verifier, { dpop })))
    expect(responses.filter((response) => response?.status === 200)).toHaveLength(1)
    expect(responses.filter((response) => json(response).error === 'invalid_grant')).toHaveLength(9)
  })

  it('§4.6: rejects a wrong code_verifier with invalid_grant, a missing one with invalid_request', async () => {
    const { server } = makeServer()
    const { parameters, verifier } = await baseParameters()
    const code = (await authorize(server, parameters)).get('code') as string
    const missing = await server.handle(
      request('POST', TOKEN_URL, {
        body: `grant_type=authorization_code&client_id=spa&code=${code}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      }),
    )
    expect(json(missing).error).toBe('invalid_request')
    const wrong = await redeem(server, code, `${verifier.slice(0, -1)}${verifier.endsWith('A') ? 'B' : 'A'}`)
    expect(json(wrong).error).toBe('invalid_grant')
  })

  it('§4.1.3: requires the same redirect_uri as the authorization request', async () => {
    const { server } = makeServer()
    const first = await baseParameters()
    const code = (await authorize(server, first.parameters)).get('code') as string
    expect(
      json(await redeem(server, code, first.verifier, { redirectUri: 'http://127.0.0.1:8080/cb' })).error,
    ).toBe('invalid_grant')
    const second = await baseParameters()
    const code2 = (await authorize(server, second.parameters)).get('code') as string
    expect(json(await redeem(server, code2, second.verifier, { redirectUri: null })).error).toBe(
      'invalid_grant',
    )
  })

  it('rejects a code redeemed by another client, and an expired code', async () => {
    const { server, time } = makeServer()
    const { parameters, verifier } = await baseParameters({ client_id: 'web', scope: 'openid' })
    const code = (await authorize(server, parameters)).get('code') as string
    expect(json(await redeem(server, code, verifier)).error).toBe('invalid_grant')
    const other = await baseParameters()
    const code2 = (await authorize(server, other.parameters)).get('code') as string
    time.advance(61)
    expect(json(await redeem(server, code2, other.verifier)).error).toBe('invalid_grant')
  })

  it('a confidential client redeems its code with client_secret_post', async () => {
    const { server } = makeServer()
    const { parameters, verifier } = await baseParameters({ client_id: 'web', scope: 'openid read' })
    const code = (await authorize(server, parameters)).get('code') as string
    const response = await server.handle(
      request('POST', TOKEN_URL, {
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: REDIRECT_URI,
          client_id: 'web',
          client_secret: SECRET,
        }).toString(),
      }),
    )
    expect(response?.status, response?.body).toBe(200)
    expect(json(response)).toMatchObject({ token_type: 'Bearer', scope: 'openid read' })
  })
})

describe('RFC 9449 §10 dpop_jkt', () => {
  it('binds the code to the key: same key passes, another key or no proof is invalid_grant', async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const jkt = await calculateJwkThumbprint(await exportJWK(pair.publicKey))
    const other = await keyPair()

    const a = await baseParameters({ dpop_jkt: jkt })
    const codeA = (await authorize(server, a.parameters)).get('code') as string
    const wrongKey = await redeem(server, codeA, a.verifier, {
      dpop: await proofFor(other, TOKEN_URL, time.seconds()),
    })
    expect(json(wrongKey).error).toBe('invalid_grant')

    const b = await baseParameters({ dpop_jkt: jkt })
    const codeB = (await authorize(server, b.parameters)).get('code') as string
    expect(json(await redeem(server, codeB, b.verifier)).error).toBe('invalid_grant')

    const c = await baseParameters({ dpop_jkt: jkt })
    const codeC = (await authorize(server, c.parameters)).get('code') as string
    const ok = await redeem(server, codeC, c.verifier, {
      dpop: await proofFor(pair, TOKEN_URL, time.seconds()),
    })
    expect(json(ok)).toMatchObject({ token_type: 'DPoP' })
  })

  it('rejects a malformed dpop_jkt at the authorization endpoint', async () => {
    const { server } = makeServer()
    const { parameters } = await baseParameters({ dpop_jkt: 'short' })
    const result = await authorize(server, parameters)
    expect(result.get('error')).toBe('invalid_request')
  })
})

describe('RFC 9449 §10 dpop_jkt and RFC 7636 §4.2 code_challenge are SHA-256 values', () => {
  it('rejects a 43-character value that is not the canonical base64url of 32 bytes, with iss and state', async () => {
    const { server } = makeServer()
    // 'B' as the last character sets one of the two padding bits: no 32-byte value encodes so.
    const nonCanonical = `${'A'.repeat(42)}B`
    for (const extra of [{ dpop_jkt: nonCanonical }, { dpop_jkt: `${'A'.repeat(43)}=` }]) {
      const { parameters } = await baseParameters(extra)
      const result = await authorize(server, parameters)
      expect(result.get('error')).toBe('invalid_request')
      expect(result.get('iss')).toBe(ISSUER)
      expect(result.get('state')).toBe('xyz')
    }
    const { parameters } = await baseParameters({ code_challenge: nonCanonical })
    expect((await authorize(server, parameters)).get('error')).toBe('invalid_request')
    const canonical = await baseParameters({ dpop_jkt: `${'A'.repeat(42)}E` })
    expect((await authorize(server, canonical.parameters)).get('code')).toBeTypeOf('string')
  })
})

describe('RFC 6749 §4.1.2.1 authorization errors', () => {
  it('never redirects for an unknown client, an unregistered or missing redirect_uri', async () => {
    const { server } = makeServer()
    const { parameters } = await baseParameters()
    for (const change of [
      { client_id: 'nobody' },
      { redirect_uri: 'https://evil.example/cb' },
      { redirect_uri: `${REDIRECT_URI}/` },
    ]) {
      const response = await server.handle(request('GET', authorizeUrl({ ...parameters, ...change })))
      expect(response?.status).toBe(400)
      expect(response?.headers.Location).toBeUndefined()
    }
    const { redirect_uri: _ignored, ...withoutRedirect } = parameters
    const missing = await server.handle(request('GET', authorizeUrl(withoutRedirect)))
    expect(missing?.status).toBe(400)
    const duplicateClient = await server.handle(request('GET', `${authorizeUrl(parameters)}&client_id=spa`))
    expect(duplicateClient?.status).toBe(400)
  })

  it('redirects the other errors with state and iss', async () => {
    const { server } = makeServer()
    const { parameters } = await baseParameters()
    const cases: [Record<string, string>, string][] = [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ scope: 'admin' }, 'invalid_scope'],
      [{ response_mode: 'fragment' }, 'invalid_request'],
    ]
    for (const [change, error] of cases) {
      const result = await authorize(server, { ...parameters, ...change })
      expect(result.get('error'), JSON.stringify(change)).toBe(error)
      expect(result.get('state')).toBe('xyz')
      expect(result.get('iss')).toBe(ISSUER)
    }
    const { code_challenge: _c, ...noChallenge } = parameters
    expect((await authorize(server, noChallenge)).get('error')).toBe('invalid_request')
    const duplicate = await server.handle(request('GET', `${authorizeUrl(parameters)}&scope=write`))
    expect(new URL(duplicate?.headers.Location as string).searchParams.get('error')).toBe('invalid_request')
  })

  it('answers unauthorized_client for a client without the authorization_code grant', async () => {
    const { server } = makeServer({
      clients: [{ clientId: 'spa', redirectUris: [REDIRECT_URI], grantTypes: ['refresh_token'] }],
    })
    const { parameters } = await baseParameters()
    expect((await authorize(server, parameters)).get('error')).toBe('unauthorized_client')
  })

  it('uses the only registered redirect URI when redirect_uri is omitted; the token request must then agree', async () => {
    const { server } = makeServer({ clients: [{ clientId: 'spa', redirectUris: [REDIRECT_URI] }] })
    const { parameters, verifier } = await baseParameters()
    const { redirect_uri: _r, ...rest } = parameters
    const code = (await authorize(server, rest)).get('code') as string
    const response = await redeem(server, code, verifier, { redirectUri: null })
    expect(response?.status, response?.body).toBe(200)
  })
})

describe('interaction hook', () => {
  it('renders a login page, resumes on POST and completes once', async () => {
    const seen: InteractionContext[] = []
    const { server } = makeServer({
      interaction: (context) => {
        seen.push(context)
        if (context.firstVisit) {
          return {
            response: {
              status: 200,
              headers: { 'Content-Type': 'text/html' },
              body: `<form action="${context.resumeUrl}">`,
            },
          }
        }
        if (context.form.get('user') === 'bob') return { subject: 'bob', scope: 'read' }
        return { error: 'access_denied' }
      },
    })
    const { parameters, verifier } = await baseParameters({ scope: 'read write' })
    const page = await server.handle(request('GET', authorizeUrl(parameters)))
    expect(page?.status).toBe(200)
    const first = seen[0] as InteractionContext
    expect(first.authorization).toMatchObject({
      clientId: 'spa',
      scope: 'read write',
      state: 'xyz',
      redirectUriProvided: true,
    })
    expect(first.resumeUrl.startsWith(`${AUTHORIZE_URL}?interaction=`)).toBe(true)

    const submit = await server.handle(request('POST', first.resumeUrl, { body: 'user=bob' }))
    expect(submit?.status).toBe(303)
    const result = new URL(submit?.headers.Location as string).searchParams
    expect(seen[1]?.firstVisit).toBe(false)
    const token = await redeem(server, result.get('code') as string, verifier)
    expect(json(token)).toMatchObject({ scope: 'read' })
    expect(decodeJwtPayload(json(token).access_token as string).sub).toBe('bob')

    const resubmit = await server.handle(request('POST', first.resumeUrl, { body: 'user=bob' }))
    expect(resubmit?.status).toBe(400)
    expect(resubmit?.headers.Location).toBeUndefined()
  })

  it('redirects access_denied with state', async () => {
    const { server } = makeServer({ interaction: () => ({ error: 'access_denied' }) })
    const { parameters } = await baseParameters()
    const result = await authorize(server, parameters)
    expect(result.get('error')).toBe('access_denied')
    expect(result.get('state')).toBe('xyz')
    expect(result.get('code')).toBeNull()
  })

  it('turns a hook that widens the scope into a 500 without a code', async () => {
    const { server } = makeServer({ interaction: () => ({ subject: 'alice', scope: 'admin' }) })
    const { parameters } = await baseParameters()
    const response = await server.handle(request('GET', authorizeUrl(parameters)))
    expect(response?.status).toBe(500)
    expect(response?.headers.Location).toBeUndefined()
  })

  it('answers 503 without a code or redirect when storage fails', async () => {
    const storage = createMemoryStorage()
    storage.saveCode = async () => {
      throw new Error('down')
    }
    const { server } = makeServer({ storage })
    const { parameters } = await baseParameters()
    const response = await server.handle(request('GET', authorizeUrl(parameters)))
    expect(response?.status).toBe(503)
    expect(json(response).error).toBe('temporarily_unavailable')
    expect(response?.headers.Location).toBeUndefined()
    expect(response?.headers['Retry-After']).toBe('1')
  })

  it('rejects an unknown interaction id', async () => {
    const { server } = makeServer()
    const response = await server.handle(request('GET', `${AUTHORIZE_URL}?interaction=nope`))
    expect(response?.status).toBe(400)
  })
})
