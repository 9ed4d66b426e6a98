import { describe, expect, it } from 'vitest'
import { basic, json, makeServer, request, TOKEN_URL } from './test-support.js'

function tokenRequest(body: string, headers: Record<string, string | string[]> = {}) {
  return request('POST', TOKEN_URL, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  })
}

const CLIENT_CREDENTIALS = 'grant_type=client_credentials'

describe('RFC 6749 §2.3.1 HTTP Basic client authentication edge cases', () => {
  it('answers a malformed Authorization header with 401 invalid_client, not invalid_request', async () => {
    const { server } = makeServer()
    for (const authorization of ['Basic', 'Basic ', 'Basic a b', '']) {
      const response = await server.handle(tokenRequest(CLIENT_CREDENTIALS, { authorization }))
      expect(response?.status).toBe(401)
      expect(json(response).error).toBe('invalid_client')
    }
  })

  it('rejects credentials that are not standard base64 (RFC 7617 §2), even if base64url decodes them', async () => {
    const secret = 'abc???>>>xyz-long-enough'
    const { server } = makeServer({
      clients: [{ clientId: 'svc', clientSecret: secret, grantTypes: ['client_credentials'] }],
    })
    const standard = btoa(`svc:${secret}`)
    expect(standard).toMatch(/[+/]/)
    const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_')
    const response = await server.handle(
      tokenRequest(CLIENT_CREDENTIALS, { authorization: `Basic ${urlSafe}` }),
    )
    expect(response?.status).toBe(401)
    expect(json(response).error).toBe('invalid_client')
    const ok = await server.handle(tokenRequest(CLIENT_CREDENTIALS, { authorization: `Basic ${standard}` }))
    expect(ok?.status).toBe(200)
  })

  it('keeps a ":" in the secret and an empty secret fails', async () => {
    const { server } = makeServer({
      clients: [
        { clientId: 'colon', clientSecret: 'secret:with:colons!', grantTypes: ['client_credentials'] },
      ],
    })
    const raw = (id: string, secret: string) => `Basic ${btoa(`${id}:${secret}`)}`
    // A raw ':' in the secret part is still the secret: only the first ':' separates.
    expect(
      (
        await server.handle(
          tokenRequest(CLIENT_CREDENTIALS, { authorization: raw('colon', 'secret:with:colons!') }),
        )
      )?.status,
    ).toBe(200)
    expect(
      (
        await server.handle(
          tokenRequest(CLIENT_CREDENTIALS, { authorization: basic('colon', 'secret:with:colons!') }),
        )
      )?.status,
    ).toBe(200)
    const empty = await server.handle(tokenRequest(CLIENT_CREDENTIALS, { authorization: raw('colon', '') }))
    expect(empty?.status).toBe(401)
    expect(empty?.headers['WWW-Authenticate']).toBe('Basic')
  })

  it('rejects a public client that sends a secret, and a confidential client that sends none', async () => {
    const { server } = makeServer()
    const publicWithSecret = await server.handle(
      tokenRequest('grant_type=refresh_token&refresh_token=x&client_id=spa&client_secret=anything-at-all'),
    )
    expect(json(publicWithSecret).error).toBe('invalid_client')
    const confidentialWithoutSecret = await server.handle(
      tokenRequest(`${CLIENT_CREDENTIALS}&client_id=service`),
    )
    expect(json(confidentialWithoutSecret).error).toBe('invalid_client')
  })
})
