import { decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from './generate-key-pair.js'
import { sha256Base64url } from './platform-crypto.js'
import { signJwt } from './sign-jwt.js'

describe('RFC 7515 §7.1 signJwt', () => {
  for (const alg of ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'] as const) {
    it(`signs ${alg} JWTs that jose verifies`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(alg)
      const token = await signJwt(
        privateKey,
        { typ: 'at+jwt', kid: 'k1' },
        { sub: 'alice', cnf: { jkt: 'x' } },
      )
      expect(decodeProtectedHeader(token)).toEqual({ typ: 'at+jwt', kid: 'k1', alg })
      const { payload } = await jwtVerify(token, publicKey, { typ: 'at+jwt' })
      expect(payload).toEqual({ sub: 'alice', cnf: { jkt: 'x' } })
    })
  }
  it('refuses an alg the key cannot produce, or an unknown one', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    await expect(async () => signJwt(privateKey, { alg: 'ES384' }, {})).rejects.toThrow(TypeError)
    await expect(async () => signJwt(privateKey, { alg: 'HS256' }, {})).rejects.toThrow(TypeError)
    await expect(async () => signJwt(privateKey, { alg: 'none' }, {})).rejects.toThrow(TypeError)
  })
  it('hashes like RFC 9449 §4.2 ath', async () => {
    expect(await sha256Base64url('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe(
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    )
  })
})
