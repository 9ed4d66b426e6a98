import { createProof } from '@dpop/core'
import { describe, expect, it } from 'vitest'
import {
  authorizationCode,
  basic,
  ISSUER,
  json,
  keyPair,
  makeServer,
  REDIRECT_URI,
  request,
  SECRET,
  TOKEN_URL,
} from '../authorization-server/test-support.js'
import { createNeutralRequest } from '../http/create-neutral-request.js'
import { createResourceGuard } from '../resource-guard/create-resource-guard.js'
import type { DPoPServerEvent } from './events.js'

// Every member any event may have: a new member must be added here on purpose, after checking it carries
// no token, proof, secret, code or personal data.
const ALLOWED_MEMBERS = new Set([
  'type',
  'source',
  'alg',
  'thumbprint',
  'clientId',
  'durationMs',
  'code',
  'reason',
  'error',
  'grantType',
  'tokenType',
  'refreshTokenBinding',
  'cause',
  'active',
  'tokenKind',
  'store',
  'operation',
  'failed',
  'route',
  'method',
  'status',
  'scheme',
])

const API = 'https://api.example/items'

describe('events carry no token, proof, secret or personal data', () => {
  it('across the code flow, refresh, reuse, introspection, revocation and a guarded request', async () => {
    const events: DPoPServerEvent[] = []
    const onEvent = (event: DPoPServerEvent) => {
      events.push(event)
    }
    const { server, time } = makeServer({ onEvent, accessTokenFormat: 'opaque' })
    const pair = await keyPair()
    const sent: string[] = [SECRET, 'alice']
    const proof = async (url = TOKEN_URL, options: { htm?: string; accessToken?: string } = {}) => {
      const value = await createProof(pair, {
        htm: options.htm ?? 'POST',
        htu: url,
        iat: time.seconds(),
        ...options,
      })
      sent.push(value)
      return value
    }
    const post = async (
      url: string,
      parameters: Record<string, string>,
      headers: Record<string, string> = {},
    ) => {
      const response = await server.handle(
        request('POST', url, { headers, body: new URLSearchParams(parameters).toString() }),
      )
      const body = response?.body === '' ? {} : json(response)
      for (const name of ['access_token', 'refresh_token'])
        if (typeof body[name] === 'string') sent.push(body[name] as string)
      return body
    }

    const { code, verifier, challenge } = await authorizationCode(server, 'spa', 'read')
    sent.push(code, verifier, challenge)
    const redeem = {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: 'spa',
    }
    const first = await post(TOKEN_URL, redeem, { dpop: await proof() })
    const refresh = {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token as string,
      client_id: 'spa',
    }
    const second = await post(TOKEN_URL, refresh, { dpop: await proof() })
    const introspection = { authorization: basic('service', SECRET) }
    await post(`${ISSUER}/introspect`, { token: second.access_token as string }, introspection)
    await post(`${ISSUER}/introspect`, { token: second.refresh_token as string }, introspection)

    // The API introspects the opaque token at the authorization server.
    const guard = createResourceGuard({
      verifyAccessToken: async (token) => {
        const answer = await post(`${ISSUER}/introspect`, { token }, introspection)
        if (answer.active !== true) throw new Error('inactive')
        return answer
      },
      onEvent,
      now: time.now,
    })
    const accessToken = second.access_token as string
    const apiProof = await proof(API, { htm: 'GET', accessToken })
    const apiRequest = createNeutralRequest('GET', API, {
      authorization: `DPoP ${accessToken}`,
      dpop: apiProof,
    })
    await guard.authenticate(apiRequest)
    await guard.authenticate(apiRequest).catch(() => undefined)
    const bearer = createNeutralRequest('GET', API, { authorization: `Bearer ${accessToken}` })
    await guard.authenticate(bearer).catch(() => undefined)

    await post(TOKEN_URL, refresh, { dpop: await proof() }) // reuse: the grant is revoked
    await post(TOKEN_URL, redeem, { dpop: await proof() }) // the code again
    const service = await post(
      TOKEN_URL,
      { grant_type: 'client_credentials' },
      {
        authorization: basic('service', SECRET),
        dpop: await proof(),
      },
    )
    await post(`${ISSUER}/revoke`, { token: service.access_token as string }, introspection)

    const types = new Set(events.map((event) => event.type))
    for (const type of [
      'proof.accepted',
      'proof.refused',
      'replay.detected',
      'token.issued',
      'refresh.rotated',
    ]) {
      expect(types).toContain(type)
    }
    for (const type of ['refresh.reused', 'grant.revoked', 'introspection', 'store.call', 'token.request']) {
      expect(types).toContain(type)
    }
    expect(types).toContain('guard.authenticate')

    for (const event of events) {
      for (const member of Object.keys(event))
        expect(ALLOWED_MEMBERS, `${event.type}.${member}`).toContain(member)
    }
    const serialized = JSON.stringify(events)
    for (const secret of sent) {
      expect(serialized).not.toContain(secret)
      // Nor any part of a JWT (a proof's payload, its signature).
      for (const part of secret.split('.')) if (part.length >= 16) expect(serialized).not.toContain(part)
    }
  })
})
