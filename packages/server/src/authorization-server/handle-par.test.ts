import { calculateJwkThumbprint, exportJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  authorize,
  ISSUER,
  json,
  keyPair,
  makeServer,
  PAR_URL,
  pkce,
  proofFor,
  REDIRECT_URI,
  request,
  SECRET,
  TOKEN_URL,
} from './test-support.js'

async function pushed(extra: Record<string, string> = {}) {
  const { verifier, challenge } = await pkce()
  const body = new URLSearchParams({
    response_type: 'code',
    client_id: 'web',
    client_secret: SECRET,
    redirect_uri: REDIRECT_URI,
    scope: 'read',
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  })
  return { verifier, body: body.toString() }
}

function redeem(
  server: ReturnType<typeof makeServer>['server'],
  code: string,
  verifier: string,
  dpop?: string,
) {
  return server.handle(
    request('POST', TOKEN_URL, {
      headers: dpop === undefined ? {} : { dpop },
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
}

describe('RFC 9126 pushed authorization requests', () => {
  it('§2.2: answers 201 with a request_uri that works once (§4)', async () => {
    const { server } = makeServer()
    const { body, verifier } = await pushed()
    const response = await server.handle(request('POST', PAR_URL, { body }))
    expect(response?.status, response?.body).toBe(201)
    expect(response?.headers['Cache-Control']).toBe('no-store')
    const { request_uri, expires_in } = json(response)
    expect(expires_in).toBe(60)
    expect(String(request_uri)).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    const result = await authorize(server, { client_id: 'web', request_uri: request_uri as string })
    expect(result.get('state')).toBe('s1')
    const token = await redeem(server, result.get('code') as string, verifier)
    expect(token?.status, token?.body).toBe(200)
    const reuse = await server.handle(
      request(
        'GET',
        `${ISSUER}/authorize?client_id=web&request_uri=${encodeURIComponent(request_uri as string)}`,
      ),
    )
    expect(reuse?.status).toBe(400)
    expect(reuse?.headers.Location).toBeUndefined()
  })

  it('rejects an expired request_uri, and one used by another client', async () => {
    const { server, time } = makeServer()
    const first = json(await server.handle(request('POST', PAR_URL, { body: (await pushed()).body })))
    time.advance(61)
    const expired = await server.handle(
      request(
        'GET',
        `${ISSUER}/authorize?client_id=web&request_uri=${encodeURIComponent(first.request_uri as string)}`,
      ),
    )
    expect(expired?.status).toBe(400)
    const second = json(await server.handle(request('POST', PAR_URL, { body: (await pushed()).body })))
    const stolen = await server.handle(
      request(
        'GET',
        `${ISSUER}/authorize?client_id=spa&request_uri=${encodeURIComponent(second.request_uri as string)}`,
      ),
    )
    expect(stolen?.status).toBe(400)
  })

  it('§2.3: requires client authentication and answers errors directly', async () => {
    const { server } = makeServer()
    const { body } = await pushed({ client_secret: 'wrong-secret-value' })
    const unauthenticated = await server.handle(request('POST', PAR_URL, { body }))
    expect(unauthenticated?.status).toBe(401)
    expect(json(unauthenticated).error).toBe('invalid_client')
    const badRedirect = await server.handle(
      request('POST', PAR_URL, { body: (await pushed({ redirect_uri: 'https://evil.example/' })).body }),
    )
    expect(json(badRedirect).error).toBe('invalid_request')
    const badScope = await server.handle(
      request('POST', PAR_URL, { body: (await pushed({ scope: 'admin' })).body }),
    )
    expect(json(badScope).error).toBe('invalid_scope')
    const withRequestUri = await server.handle(
      request('POST', PAR_URL, {
        body: (await pushed({ request_uri: 'urn:ietf:params:oauth:request_uri:x' })).body,
      }),
    )
    expect(json(withRequestUri).error).toBe('invalid_request')
  })

  it('§5, §6: a client or server requiring PAR rejects plain authorization requests', async () => {
    const { server } = makeServer({ requirePushedAuthorizationRequests: true })
    expect(server.metadata().require_pushed_authorization_requests).toBe(true)
    const { challenge } = await pkce()
    const result = await authorize(server, {
      response_type: 'code',
      client_id: 'spa',
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    expect(result.get('error')).toBe('invalid_request')
    const perClient = makeServer({
      clients: [{ clientId: 'spa', redirectUris: [REDIRECT_URI], requirePushedAuthorizationRequests: true }],
    })
    const perClientResult = await authorize(perClient.server, {
      response_type: 'code',
      client_id: 'spa',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    expect(perClientResult.get('error')).toBe('invalid_request')
  })
})

describe('RFC 9449 §10.1 DPoP with pushed authorization requests', () => {
  it('a DPoP header at PAR binds the code to its key', async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const other = await keyPair()
    const { body, verifier } = await pushed()
    const response = await server.handle(
      request('POST', PAR_URL, { headers: { dpop: await proofFor(pair, PAR_URL, time.seconds()) }, body }),
    )
    expect(response?.status, response?.body).toBe(201)
    const code = (
      await authorize(server, { client_id: 'web', request_uri: json(response).request_uri as string })
    ).get('code') as string
    const wrong = await redeem(server, code, verifier, await proofFor(other, TOKEN_URL, time.seconds()))
    expect(json(wrong).error).toBe('invalid_grant')

    const second = await pushed()
    const again = await server.handle(
      request('POST', PAR_URL, {
        headers: { dpop: await proofFor(pair, PAR_URL, time.seconds()) },
        body: second.body,
      }),
    )
    const code2 = (
      await authorize(server, { client_id: 'web', request_uri: json(again).request_uri as string })
    ).get('code') as string
    const noProof = await redeem(server, code2, second.verifier)
    expect(json(noProof).error).toBe('invalid_grant')

    const third = await pushed()
    const bound = await server.handle(
      request('POST', PAR_URL, {
        headers: { dpop: await proofFor(pair, PAR_URL, time.seconds()) },
        body: third.body,
      }),
    )
    const code3 = (
      await authorize(server, { client_id: 'web', request_uri: json(bound).request_uri as string })
    ).get('code') as string
    const ok = await redeem(server, code3, third.verifier, await proofFor(pair, TOKEN_URL, time.seconds()))
    expect(json(ok).token_type).toBe('DPoP')
  })

  it('rejects a dpop_jkt that disagrees with the DPoP header, accepts one that agrees', async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const other = await keyPair()
    const otherJkt = await calculateJwkThumbprint(await exportJWK(other.publicKey))
    const mismatch = await server.handle(
      request('POST', PAR_URL, {
        headers: { dpop: await proofFor(pair, PAR_URL, time.seconds()) },
        body: (await pushed({ dpop_jkt: otherJkt })).body,
      }),
    )
    expect(mismatch?.status).toBe(400)
    expect(json(mismatch).error).toBe('invalid_dpop_proof')
    const jkt = await calculateJwkThumbprint(await exportJWK(pair.publicKey))
    const agree = await server.handle(
      request('POST', PAR_URL, {
        headers: { dpop: await proofFor(pair, PAR_URL, time.seconds()) },
        body: (await pushed({ dpop_jkt: jkt })).body,
      }),
    )
    expect(agree?.status).toBe(201)
  })

  it('rejects an invalid DPoP proof at PAR', async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const response = await server.handle(
      request('POST', PAR_URL, {
        headers: { dpop: await proofFor(pair, TOKEN_URL, time.seconds()) },
        body: (await pushed()).body,
      }),
    )
    expect(json(response).error).toBe('invalid_dpop_proof')
  })
})
