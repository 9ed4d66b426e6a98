import { parseWWWAuthenticate } from '@dpop/core'
import { describe, expect, it } from 'vitest'
import { createResourceGuard, type ResourceAuthentication } from './index.js'
import {
  guardTestOptions,
  mintToken,
  proof,
  rejection,
  request,
  URL_,
  useGuardTestKeys,
} from './test-helpers.js'

const NOW = 1_760_000_000_000
const optional = { credentialsRequired: false } as const
const keys = useGuardTestKeys()

function guard() {
  return createResourceGuard(guardTestOptions(keys, NOW))
}

describe('RFC 6750 §3.1 optional authentication (credentialsRequired: false)', () => {
  it('lets a request without Authorization or DPoP header through with no result', async () => {
    const result: ResourceAuthentication | undefined = await guard().authenticate(request({}), optional)
    expect(result).toBeUndefined()
  })

  it('still authenticates a request that presents valid credentials', async () => {
    const token = await mintToken(keys.asKey, { jkt: keys.alice.jkt, now: NOW })
    const dpop = await proof(keys.alice, { accessToken: token, now: NOW })
    const result = await guard().authenticate(
      request({ Authorization: `DPoP ${token}`, DPoP: dpop }),
      optional,
    )
    expect(result?.thumbprint).toBe(keys.alice.jkt)
  })

  it('refuses credentials that fail: a bad proof, a proof without token, a foreign scheme', async () => {
    const token = await mintToken(keys.asKey, { jkt: keys.alice.jkt, now: NOW })
    const other = await proof(keys.alice, { accessToken: 'another-token', now: NOW })
    const badProof = await rejection(
      guard().authenticate(request({ Authorization: `DPoP ${token}`, DPoP: other }), optional),
    )
    expect(badProof.status).toBe(401)
    expect(badProof.code).toBe('invalid_dpop_proof')
    const proofAlone = await rejection(guard().authenticate(request({ DPoP: other }), optional))
    expect(proofAlone.status).toBe(401)
    const basic = await rejection(
      guard().authenticate(request({ Authorization: 'Basic dXNlcjpwYXNz' }), optional),
    )
    expect(basic.status).toBe(401)
    expect(parseWWWAuthenticate(basic.headers['WWW-Authenticate'] as string)[0]?.scheme).toBe('DPoP')
  })

  it('RFC 6750 §2.3: refuses an access_token in the query of a request without headers', async () => {
    const error = await rejection(
      guard().authenticate(request({}, 'GET', `${URL_}?access_token=x`), optional),
    )
    expect(error.status).toBe(400)
    expect(error.code).toBe('invalid_request')
  })

  it('requires credentials by default and with credentialsRequired: true', async () => {
    expect((await rejection(guard().authenticate(request({})))).status).toBe(401)
    const required = { credentialsRequired: true }
    expect((await rejection(guard().authenticate(request({}), required))).status).toBe(401)
  })
})
