import { DEFAULT_ALGORITHMS, generateKeyPair, verifyProof } from '@dpop/core'
import { decodeProtectedHeader } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { type DPoPTestServer, startDPoPTestServer } from '../test/dpop-test-server.js'
import { type OAuthTestServer, startOAuthTestServer } from '../test/oauth-test-server.js'
import { createDPoPFetch } from './create-dpop-fetch.js'
import { createDPoPHandle } from './create-dpop-handle.js'
import { createMemoryKeyStore } from './create-memory-key-store.js'
import { createOAuthClient } from './create-oauth-client.js'
import { createTokenManager } from './create-token-manager.js'
import { isOAuthError } from './oauth-error.js'

const servers: (DPoPTestServer | OAuthTestServer)[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

const URL_ = 'https://rs.example/items'
const request = { method: 'GET', url: URL_, header: () => undefined }
const algOf = (proof: string | undefined) => decodeProtectedHeader(proof ?? '').alg

describe('RFC 9449 §4.2, RFC 9864: a handle signs with exactly the algorithm it was asked for', () => {
  for (const alg of DEFAULT_ALGORITHMS) {
    it(`createDPoPHandle({ alg: '${alg}' }) signs alg ${alg}, and keeps its stored key`, async () => {
      const keyStore = createMemoryKeyStore()
      const handle = await createDPoPHandle({ alg, keyStore })
      expect(handle.algorithm).toBe(alg)
      expect(handle.algorithms).toEqual([alg])
      const proof = await handle.createProof({ method: 'GET', url: URL_ })
      expect(algOf(proof)).toBe(alg)
      expect((await verifyProof(proof, request, { replayStore: false })).thumbprint).toBe(handle.thumbprint)
      // The stored key fits alg: the next handle reuses it instead of generating another.
      expect((await createDPoPHandle({ alg, keyStore })).thumbprint).toBe(handle.thumbprint)
    })
  }

  it('refuses an alg that does not fit a given key pair', async () => {
    const keyPair = await generateKeyPair('Ed448')
    await expect(createDPoPHandle({ keyPair, alg: 'Ed25519' })).rejects.toThrow(TypeError)
    await expect(createDPoPHandle({ keyPair, alg: 'ES256' })).rejects.toThrow(TypeError)
    expect((await createDPoPHandle({ keyPair, alg: 'EdDSA' })).algorithm).toBe('EdDSA')
  })
})

describe('RFC 9449 §5.1: unasked, an Edwards key signs an identifier the server lists', () => {
  it('selectAlgorithm prefers Ed25519 to EdDSA, per origin, and changes nothing when none is listed', async () => {
    const handle = await createDPoPHandle({ keyPair: await generateKeyPair('Ed25519') })
    expect(handle.algorithm).toBe('EdDSA')
    expect(handle.algorithms).toEqual(['Ed25519', 'EdDSA'])
    expect(handle.selectAlgorithm('https://a.example/token', ['ES256', 'EdDSA', 'Ed25519'])).toBe('Ed25519')
    expect(handle.selectAlgorithm('https://b.example/token', ['EdDSA'])).toBe('EdDSA')
    expect(handle.selectAlgorithm('https://c.example/token', ['ES256'])).toBeUndefined()
    expect(algOf(await handle.createProof({ method: 'GET', url: 'https://a.example/x' }))).toBe('Ed25519')
    expect(algOf(await handle.createProof({ method: 'GET', url: 'https://b.example/x' }))).toBe('EdDSA')
    expect(algOf(await handle.createProof({ method: 'GET', url: 'https://c.example/x' }))).toBe('EdDSA')

    const ed448 = await createDPoPHandle({ keyPair: await generateKeyPair('Ed448') })
    expect(ed448.algorithms).toEqual(['Ed448', 'EdDSA'])
    expect(ed448.selectAlgorithm('https://a.example/', ['EdDSA'])).toBe('EdDSA')
    expect(algOf(await ed448.createProof({ method: 'GET', url: 'https://a.example/' }))).toBe('EdDSA')
  })

  it('an asked identifier is never swapped for another', async () => {
    const handle = await createDPoPHandle({ alg: 'EdDSA' })
    expect(handle.selectAlgorithm('https://a.example/', ['Ed25519'])).toBeUndefined()
    expect(algOf(await handle.createProof({ method: 'GET', url: 'https://a.example/' }))).toBe('EdDSA')
  })

  it('the OAuth client signs Ed25519 for a server listing only Ed25519, and refuses where it cannot', async () => {
    const as = await startOAuthTestServer({
      algorithms: ['Ed25519'],
      metadata: { dpop_signing_alg_values_supported: ['Ed25519'] },
    })
    servers.push(as)
    const unasked = await createDPoPHandle({ keyPair: await generateKeyPair('Ed25519') })
    const client = createOAuthClient(unasked, { issuer: as.url, clientId: 'service', clientSecret: 's' })
    const manager = createTokenManager(client, { obtainTokens: () => client.clientCredentials() })
    expect((await manager.getTokens()).tokenType).toBe('DPoP')
    expect(algOf(as.tokenRequests[0]?.request.headers.dpop as string)).toBe('Ed25519')
    expect(as.tokenRequests[0]?.request.proof?.thumbprint).toBe(unasked.thumbprint)

    const asked = await createDPoPHandle({ alg: 'EdDSA' })
    const refused = createOAuthClient(asked, { issuer: as.url, clientId: 'service', clientSecret: 's' })
    const error = await refused.clientCredentials().catch((caught: unknown) => caught)
    expect(isOAuthError(error) && error.error).toBe('unsupported_dpop_algorithm')
    expect(as.tokenRequests).toHaveLength(1)
  })

  it('RFC 9449 §7.1: DPoP fetch retries once with an algorithm the challenge lists', async () => {
    const rs = await startDPoPTestServer({ algorithms: ['ES256', 'Ed25519'] })
    servers.push(rs)
    const handle = await createDPoPHandle({ keyPair: await generateKeyPair('Ed25519') })
    const response = await createDPoPFetch(handle)(`${rs.url}/items`)
    expect(response.status).toBe(200)
    expect(rs.requests.map((received) => received.failure)).toEqual(['alg', undefined])
    expect(rs.requests.map((received) => algOf(received.headers.dpop as string))).toEqual([
      'EdDSA',
      'Ed25519',
    ])
    // Learned for the origin: the next request goes right away.
    expect((await createDPoPFetch(handle)(`${rs.url}/other`)).status).toBe(200)
    expect(rs.requests).toHaveLength(3)

    // A handle asked for EdDSA does not switch, and gets the refusal.
    const asked = await createDPoPHandle({ alg: 'EdDSA' })
    expect((await createDPoPFetch(asked)(`${rs.url}/items`)).status).toBe(401)
    expect(rs.requests).toHaveLength(4)
  })
})
