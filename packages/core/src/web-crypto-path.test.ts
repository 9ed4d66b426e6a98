import { afterAll, describe, expect, it, vi } from 'vitest'

// Browsers, Deno and workers have no node:crypto: run the same proofs through the Web Crypto path.
describe('RFC 9449 §4.3 on the Web Crypto path (no node:crypto)', async () => {
  const getBuiltinModule = vi.fn(() => undefined)
  vi.stubGlobal('process', { ...process, getBuiltinModule })
  vi.resetModules()
  const core = await import('./index.js')
  afterAll(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  it('did not find node:crypto', () => {
    expect(getBuiltinModule).toHaveBeenCalledWith('node:crypto')
  })

  it('never advertises Ed448 without node:crypto to verify it, and refuses it as configuration', () => {
    expect(core.DEFAULT_ALGORITHMS).toContain('Ed25519')
    expect(core.DEFAULT_ALGORITHMS).not.toContain('Ed448')
    expect(() => core.assertAlgorithms(['Ed448'])).toThrow(/cannot be verified in this runtime/)
  })

  for (const alg of ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'] as const) {
    it(`creates and verifies ${alg} proofs, and rejects a forged one`, async () => {
      const keyPair = await core.generateKeyPair(alg)
      const url = 'https://rs.example.com/api'
      const request = { method: 'GET', url, header: () => undefined }
      const proof = await core.createProof(keyPair, { htm: 'GET', htu: url, accessToken: 't', alg })
      const result = await core.verifyProof(proof, request, {
        accessToken: 't',
        replayStore: core.createMemoryReplayStore(),
      })
      expect(result.thumbprint).toHaveLength(43)
      const other = await core.createProof(await core.generateKeyPair(alg), {
        htm: 'GET',
        htu: url,
        accessToken: 't',
        alg,
      })
      const forged = `${proof.slice(0, proof.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`
      await expect(
        core.verifyProof(forged, request, { accessToken: 't', replayStore: core.createMemoryReplayStore() }),
      ).rejects.toMatchObject({ code: 'invalid_dpop_proof', reason: 'signature' })
    })
  }

  it('signs JWTs that jose verifies', async () => {
    const { jwtVerify } = await import('jose')
    const { privateKey, publicKey } = await core.generateKeyPair('ES256')
    const token = await core.signJwt(privateKey, { typ: 'at+jwt' }, { sub: 'alice' })
    expect((await jwtVerify(token, publicKey)).payload).toEqual({ sub: 'alice' })
  })

  it('hashes access tokens the same way', async () => {
    expect(await core.calculateAccessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe(
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    )
  })
})
