import { describe, expect, it } from 'vitest'
import { createResourceGuard } from '../resource-guard/create-resource-guard.js'
import {
  guardTestOptions,
  mintToken,
  proof,
  request,
  URL_,
  useGuardTestKeys,
} from '../resource-guard/test-helpers.js'
import { createNeutralRequest } from './create-neutral-request.js'
import { type GuardOutcome, guardResourceRequest } from './guard-resource-request.js'

const NOW = 1_760_000_000_000
const ORIGIN = 'https://app.example'
const keys = useGuardTestKeys()

function adapter(errors: 'respond' | 'framework' = 'respond') {
  return { guard: createResourceGuard(guardTestOptions(keys, NOW)), allowedOrigins: [ORIGIN], errors }
}

const headerOf = (headers: Record<string, string>) => (name: string) => headers[name.toLowerCase()]
const optional = { credentialsRequired: false }
const required = { credentialsRequired: true }

async function validHeaders(): Promise<Record<string, string>> {
  const token = await mintToken(keys.asKey, { jkt: keys.alice.jkt, now: NOW })
  return {
    authorization: `DPoP ${token}`,
    dpop: await proof(keys.alice, { accessToken: token, now: NOW }),
    origin: ORIGIN,
  }
}

describe('guardResourceRequest: the request flow every resource adapter shares', () => {
  it('Fetch CORS: answers a preflight 204 with the CORS headers before looking at any credential', async () => {
    let built = false
    const outcome = await guardResourceRequest(
      adapter(),
      'OPTIONS',
      headerOf({ origin: ORIGIN, 'access-control-request-method': 'GET' }),
      () => {
        built = true
        return request({})
      },
      required,
    )
    expect(outcome.type).toBe('respond')
    const { response } = outcome as Extract<GuardOutcome, { type: 'respond' }>
    expect(response.status).toBe(204)
    expect(response.headers['Access-Control-Allow-Origin']).toBe(ORIGIN)
    expect(built).toBe(false)
  })

  it('RFC 6750 §3: a refusal is the answer, with the challenge and the CORS headers', async () => {
    const outcome = await guardResourceRequest(
      adapter(),
      'GET',
      headerOf({ origin: ORIGIN }),
      () => request({}),
      required,
    )
    expect(outcome.type).toBe('respond')
    const { response } = outcome as Extract<GuardOutcome, { type: 'respond' }>
    expect(response.status).toBe(401)
    expect(response.headers['WWW-Authenticate']).toMatch(/^DPoP /)
    expect(response.headers['Access-Control-Allow-Origin']).toBe(ORIGIN)
  })

  it("errors: 'framework' hands the refusal on as a DPoPError carrying the challenge and the CORS headers", async () => {
    const outcome = await guardResourceRequest(
      adapter('framework'),
      'GET',
      headerOf({ origin: ORIGIN }),
      () => request({}),
      required,
    )
    expect(outcome.type).toBe('fail')
    const { error } = outcome as Extract<GuardOutcome, { type: 'fail' }>
    expect(error.status).toBe(401)
    expect(error.headers['WWW-Authenticate']).toMatch(/^DPoP /)
    expect(error.headers['Access-Control-Allow-Origin']).toBe(ORIGIN)
  })

  it('RFC 9112 §3.2: a DPoPError thrown while the request is built (a malformed Host) is a refusal too', async () => {
    const outcome = await guardResourceRequest(
      adapter(),
      'GET',
      headerOf({}),
      () => {
        throw new (class extends Error {})('not a DPoPError')
      },
      required,
    ).catch((error: unknown) => error)
    expect(outcome).toBeInstanceOf(Error) // any other error rejects, for the framework's own handling
    const refused = await guardResourceRequest(
      adapter(),
      'GET',
      headerOf({}),
      () => createNeutralRequest('GET', URL_, { host: 'a' }, ['Host', 'a', 'Host', 'b']),
      required,
    )
    expect(refused.type).toBe('respond')
  })

  it('RFC 9449 §7.1: an authenticated request continues with its result and the headers to set', async () => {
    const headers = await validHeaders()
    const outcome = await guardResourceRequest(
      adapter(),
      'GET',
      headerOf(headers),
      () => request(headers),
      required,
    )
    expect(outcome.type).toBe('continue')
    const result = outcome as Extract<GuardOutcome, { type: 'continue' }>
    expect(result.authentication?.thumbprint).toBe(keys.alice.jkt)
    expect(result.headers['Access-Control-Allow-Origin']).toBe(ORIGIN)
  })

  it('RFC 6750 §3.1: no credentials where they are optional continues without a result', async () => {
    const outcome = await guardResourceRequest(adapter(), 'GET', headerOf({}), () => request({}), optional)
    expect(outcome).toMatchObject({ type: 'continue', authentication: undefined })
  })
})
