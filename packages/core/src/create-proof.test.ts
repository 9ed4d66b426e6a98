import { generateKeyPairSync } from 'node:crypto'
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { calculateAccessTokenHash } from './calculate-access-token-hash.js'
import { createProof } from './create-proof.js'
import { generateKeyPair } from './generate-key-pair.js'
import { verifyProof } from './verify-proof.js'

describe('RFC 9449 §4.2 DPoP proof JWT syntax', () => {
  it('creates a proof with typ, alg, public jwk and the required claims', async () => {
    const keyPair = await generateKeyPair('ES256')
    const proof = await createProof(keyPair, { htm: 'GET', htu: 'https://h.example/p?q=1#f' })
    const header = decodeProtectedHeader(proof)
    const claims = decodeJwt(proof)
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' })
    expect(Object.keys(header.jwk ?? {}).sort()).toEqual(['crv', 'kty', 'x', 'y'])
    expect(claims.htu).toBe('https://h.example/p')
    expect(claims.htm).toBe('GET')
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(5)
    expect(claims.ath).toBeUndefined()
    expect(claims.nonce).toBeUndefined()
  })
  it('adds ath for an access token and a nonce', async () => {
    const keyPair = await generateKeyPair('EdDSA')
    const proof = await createProof(keyPair, {
      htm: 'POST',
      htu: 'https://h/p',
      accessToken: 'tok',
      nonce: 'n',
    })
    expect(decodeProtectedHeader(proof).alg).toBe('EdDSA')
    expect(decodeJwt(proof)).toMatchObject({ ath: await calculateAccessTokenHash('tok'), nonce: 'n' })
  })
  it('uses random jti of at least 96 bits, unique', async () => {
    const keyPair = await generateKeyPair('ES256')
    const jtis = new Set<string>()
    for (let i = 0; i < 200; i++)
      jtis.add(decodeJwt(await createProof(keyPair, { htm: 'GET', htu: 'https://h/' })).jti as string)
    expect(jtis.size).toBe(200)
    for (const jti of jtis) {
      expect(jti).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(base64url.decode(jti).length * 8).toBeGreaterThanOrEqual(96)
    }
  })
  it('derives alg from RSA keys', async () => {
    for (const alg of ['RS256', 'PS256'] as const) {
      const proof = await createProof(await generateKeyPair(alg), { htm: 'GET', htu: 'https://h/' })
      expect(decodeProtectedHeader(proof).alg).toBe(alg)
    }
  })
  it('rejects bad input', async () => {
    const keyPair = await generateKeyPair('ES256')
    await expect(createProof(keyPair, { htm: 'GET', htu: '/relative' })).rejects.toThrow(TypeError)
    await expect(createProof(keyPair, { htm: '', htu: 'https://h/' })).rejects.toThrow(TypeError)
  })
})

describe('generateKeyPair', () => {
  it('makes non-extractable private keys by default', async () => {
    const keyPair = await generateKeyPair('ES256')
    expect(keyPair.privateKey.extractable).toBe(false)
    expect(keyPair.publicKey.extractable).toBe(true)
    expect((await generateKeyPair('ES256', { extractable: true })).privateKey.extractable).toBe(true)
  })
  it('refuses weak RSA and unknown algorithms', async () => {
    await expect(generateKeyPair('RS256', { modulusLength: 1024 })).rejects.toThrow(TypeError)
    await expect(generateKeyPair('RS256', { modulusLength: 16384 })).rejects.toThrow(TypeError)
    await expect(generateKeyPair('HS256' as never)).rejects.toThrow(TypeError)
  })

  it('never lets extra claims set or inject the DPoP claims (RFC 9449 §4.2)', async () => {
    const keyPair = await generateKeyPair('ES256')
    const proof = await createProof(keyPair, {
      htm: 'GET',
      htu: 'https://h.example/p',
      jti: 'mine',
      iat: 1000,
      claims: {
        jti: 'x',
        htm: 'POST',
        htu: 'https://evil.example/',
        iat: 1,
        ath: 'forged',
        nonce: 'n',
        extra: 1,
      },
    })
    const claims = decodeJwt(proof)
    expect(claims).toMatchObject({ jti: 'mine', htm: 'GET', htu: 'https://h.example/p', iat: 1000, extra: 1 })
    expect(claims.ath).toBeUndefined()
    const withNonce = await createProof(keyPair, {
      htm: 'GET',
      htu: 'https://h.example/p',
      nonce: 'server',
      accessToken: 'tok',
      claims: { nonce: 'mine', ath: 'forged' },
    })
    expect(decodeJwt(withNonce)).toMatchObject({
      nonce: 'server',
      ath: await calculateAccessTokenHash('tok'),
    })
  })
  it('refuses an alg that is not a DPoP algorithm or does not fit the key (RFC 7515 §4.1.1)', async () => {
    const keyPair = await generateKeyPair('ES256')
    for (const alg of ['ES256","kid":"x', 'HS256', 'ES384', 'RS256', 'EdDSA']) {
      await expect(
        createProof(keyPair, { htm: 'GET', htu: 'https://h/', alg: alg as never }),
      ).rejects.toThrow(TypeError)
    }
    const ed = await generateKeyPair('EdDSA')
    const proof = await createProof(ed, { htm: 'GET', htu: 'https://h/', alg: 'Ed25519' })
    expect(decodeProtectedHeader(proof).alg).toBe('Ed25519')
  })
  it('refuses an htm that is not a method token, and an invalid jti (RFC 9110 §9.1)', async () => {
    const keyPair = await generateKeyPair('ES256')
    for (const options of [
      { htm: 'GET ' },
      { htm: 'G ET' },
      { htm: 'GET', jti: '' },
      { htm: 'GET', jti: 42 as unknown as string },
    ]) {
      await expect(createProof(keyPair, { htu: 'https://h/', ...options })).rejects.toThrow(TypeError)
    }
  })
})

describe('RFC 9449 §4.2 proofs signed with Node KeyObject pairs', () => {
  const request = { method: 'GET', url: 'https://h.example/r', header: () => undefined }
  const verify = (proof: string, algorithms: string[]) =>
    verifyProof(proof, request, { replayStore: false, algorithms })

  it('signs with EC, Ed25519 and RSA KeyObjects, alg derived from the key; the proofs verify', async () => {
    const pairs = [
      ['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
      ['ES384', generateKeyPairSync('ec', { namedCurve: 'P-384' })],
      ['EdDSA', generateKeyPairSync('ed25519')],
      ['RS256', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ] as const
    for (const [alg, pair] of pairs) {
      const proof = await createProof(pair, { htm: 'GET', htu: 'https://h.example/r?q', accessToken: 'tok' })
      const header = decodeProtectedHeader(proof)
      expect(header.alg).toBe(alg)
      expect(Object.keys(header.jwk ?? {})).not.toContain('d')
      const verified = await verify(proof, [alg])
      expect(verified.claims).toMatchObject({
        htu: 'https://h.example/r',
        ath: await calculateAccessTokenHash('tok'),
      })
    }
  })

  it('an RSA KeyObject signs PS256 when asked (alg option)', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const proof = await createProof(pair, { htm: 'GET', htu: 'https://h.example/r', alg: 'PS256' })
    expect((await verify(proof, ['PS256'])).header.alg).toBe('PS256')
  })

  it('writes the same header as the Web Crypto key holding the same key material', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const imported = {
      privateKey: await crypto.subtle.importKey(
        'pkcs8',
        pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['sign'],
      ),
      publicKey: await crypto.subtle.importKey(
        'jwk',
        pair.publicKey.export({ format: 'jwk' }),
        { name: 'ECDSA', namedCurve: 'P-256' },
        true,
        ['verify'],
      ),
    }
    const fromKeyObject = await createProof(pair, { htm: 'GET', htu: 'https://h.example/r' })
    const fromCryptoKey = await createProof(imported, { htm: 'GET', htu: 'https://h.example/r' })
    expect(fromKeyObject.split('.')[0]).toBe(fromCryptoKey.split('.')[0])
  })

  it('a private KeyObject given as publicKey never puts the private part in the header', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const proof = await createProof({ privateKey, publicKey: privateKey }, { htm: 'GET', htu: 'https://h/' })
    expect(Object.keys(decodeProtectedHeader(proof).jwk ?? {}).sort()).toEqual(['crv', 'kty', 'x', 'y'])
  })

  it('refuses a public or secret key as privateKey, and unsupported key types', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    await expect(
      createProof({ privateKey: publicKey, publicKey }, { htm: 'GET', htu: 'https://h/' }),
    ).rejects.toThrow(TypeError)
    const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
    await expect(createProof(secp256k1, { htm: 'GET', htu: 'https://h/' })).rejects.toThrow(/unsupported key/)
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
    await expect(createProof(pss, { htm: 'GET', htu: 'https://h/' })).rejects.toThrow(/unsupported key/)
    const x25519 = generateKeyPairSync('x25519')
    await expect(createProof(x25519, { htm: 'GET', htu: 'https://h/' })).rejects.toThrow(/unsupported key/)
  })
})
