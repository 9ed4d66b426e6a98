import { generateKeyPairSync } from 'node:crypto'
import { decodeProtectedHeader, exportJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  assertAlgorithms,
  DEFAULT_ALGORITHMS,
  type DPoPAlgorithm,
  isSupportedAlgorithm,
  keyFitsAlgorithm,
  SUPPORTED_ALGORITHMS,
} from './algorithms.js'
import { calculateJwkThumbprint } from './calculate-jwk-thumbprint.js'
import { createMemoryReplayStore } from './create-memory-replay-store.js'
import { createProof } from './create-proof.js'
import { generateKeyPair } from './generate-key-pair.js'
import { importJwk } from './import-jwk.js'
import { ed448Verifiable } from './platform-crypto.js'
import { publicJwkOf, request, signProof } from './test-support.js'
import { verifyProof } from './verify-proof.js'

const URL_ = 'https://server.example.com/token'
const post = request('POST', URL_)
const fresh = () => ({ replayStore: createMemoryReplayStore() })

async function rejection(promise: Promise<unknown>) {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  )
}

describe('the default algorithms: every asymmetric JWS algorithm (RFC 9449 §4.2, RFC 9864)', () => {
  it('Node verifies Ed448 (RFC 8032), so the list is complete here', () => {
    expect(ed448Verifiable).toBe(true)
    expect([...DEFAULT_ALGORITHMS]).toEqual([
      'ES256',
      'ES384',
      'ES512',
      'PS256',
      'PS384',
      'PS512',
      'RS256',
      'RS384',
      'RS512',
      'EdDSA',
      'Ed25519',
      'Ed448',
    ])
    expect(DEFAULT_ALGORITHMS).toBe(SUPPORTED_ALGORITHMS)
    expect(Object.isFrozen(DEFAULT_ALGORITHMS)).toBe(true)
  })

  it('none and MAC algorithms stay refused whatever the configuration (RFC 9449 §4.3 step 5)', () => {
    for (const alg of ['none', 'HS256', 'HS384', 'HS512', 'ES256K', 'RSA-OAEP', '', 'es256']) {
      expect(isSupportedAlgorithm(alg)).toBe(false)
      expect(() => assertAlgorithms(['ES256', alg])).toThrow(TypeError)
    }
    expect(() => assertAlgorithms([])).toThrow(TypeError)
    expect(assertAlgorithms(['Ed25519', 'Ed448'])).toEqual(['Ed25519', 'Ed448'])
  })

  for (const alg of DEFAULT_ALGORITHMS) {
    it(`RFC 9449 §4.3 step 5: a ${alg} proof verifies with the default options`, async () => {
      const keyPair = await generateKeyPair(alg)
      const proof = await createProof(keyPair, { htm: 'POST', htu: URL_, alg })
      expect(decodeProtectedHeader(proof).alg).toBe(alg)
      const result = await verifyProof(proof, post, fresh())
      expect(result.header.alg).toBe(alg)
      expect(result.thumbprint).toBe(await calculateJwkThumbprint(await publicJwkOf(keyPair.publicKey)))
    })
  }
})

describe('RFC 9864 §2: Ed25519 and Ed448 are bound to their curve, EdDSA is not', () => {
  it('keyFitsAlgorithm', () => {
    expect(keyFitsAlgorithm('Ed25519', 'OKP', 'Ed25519')).toBe(true)
    expect(keyFitsAlgorithm('Ed25519', 'OKP', 'Ed448')).toBe(false)
    expect(keyFitsAlgorithm('Ed448', 'OKP', 'Ed448')).toBe(true)
    expect(keyFitsAlgorithm('Ed448', 'OKP', 'Ed25519')).toBe(false)
    expect(keyFitsAlgorithm('EdDSA', 'OKP', 'Ed25519')).toBe(true)
    expect(keyFitsAlgorithm('EdDSA', 'OKP', 'Ed448')).toBe(true)
    expect(keyFitsAlgorithm('EdDSA', 'OKP', 'X25519')).toBe(false)
    expect(keyFitsAlgorithm('ES256', 'EC', 'P-384')).toBe(false)
    expect(keyFitsAlgorithm('PS512', 'RSA')).toBe(true)
  })

  const cases: [DPoPAlgorithm, 'Ed25519' | 'Ed448'][] = [
    ['Ed25519', 'Ed448'],
    ['Ed448', 'Ed25519'],
  ]
  for (const [alg, curve] of cases) {
    it(`RFC 9864 §2: refuses alg ${alg} with an ${curve} key (jwk_mismatch)`, async () => {
      const keyPair = await generateKeyPair(curve === 'Ed448' ? 'Ed448' : 'Ed25519')
      const jwk = await publicJwkOf(keyPair.publicKey)
      // Signed with the key's own curve, so only the alg/key binding is wrong.
      const proof = await signProof(
        { typ: 'dpop+jwt', alg, jwk },
        { jti: crypto.randomUUID(), htm: 'POST', htu: URL_, iat: Math.floor(Date.now() / 1000) },
        keyPair.privateKey,
        curve,
      )
      expect(await rejection(verifyProof(proof, post, fresh()))).toMatchObject({
        code: 'invalid_dpop_proof',
        reason: 'jwk_mismatch',
      })
      await expect(createProof(keyPair, { htm: 'POST', htu: URL_, alg })).rejects.toThrow(
        /does not fit the key/,
      )
    })
  }

  for (const curve of ['Ed25519', 'Ed448'] as const) {
    it(`RFC 8037 §3.1: EdDSA keeps verifying for ${curve} keys`, async () => {
      const keyPair = await generateKeyPair(curve)
      const proof = await createProof(keyPair, { htm: 'POST', htu: URL_, alg: 'EdDSA' })
      expect(decodeProtectedHeader(proof)).toMatchObject({ alg: 'EdDSA', jwk: { crv: curve } })
      expect((await verifyProof(proof, post, fresh())).header.alg).toBe('EdDSA')
      // A forged signature is still a signature failure, not a key problem.
      const other = await createProof(await generateKeyPair(curve), { htm: 'POST', htu: URL_, alg: 'EdDSA' })
      const forged = `${proof.slice(0, proof.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`
      expect(await rejection(verifyProof(forged, post, fresh()))).toMatchObject({
        code: 'invalid_dpop_proof',
        reason: 'signature',
      })
    })
  }

  it('an Ed448 key signs Ed448 unless asked for EdDSA; an Ed25519 key EdDSA unless asked for Ed25519', async () => {
    const ed448 = await generateKeyPair('Ed448')
    expect(decodeProtectedHeader(await createProof(ed448, { htm: 'GET', htu: URL_ })).alg).toBe('Ed448')
    const ed25519 = await generateKeyPair('Ed25519')
    expect(decodeProtectedHeader(await createProof(ed25519, { htm: 'GET', htu: URL_ })).alg).toBe('EdDSA')
  })

  it('Ed448 proofs from node:crypto KeyObject pairs verify, under both identifiers', async () => {
    const pair = generateKeyPairSync('ed448')
    for (const alg of ['Ed448', 'EdDSA'] as const) {
      const proof = await createProof(pair, { htm: 'POST', htu: URL_, alg })
      expect((await verifyProof(proof, post, { ...fresh(), algorithms: [alg] })).header.alg).toBe(alg)
    }
  })

  it('refuses an Ed448 proof where only EdDSA or Ed25519 is configured (alg)', async () => {
    const proof = await createProof(await generateKeyPair('Ed448'), { htm: 'POST', htu: URL_ })
    expect(
      await rejection(verifyProof(proof, post, { ...fresh(), algorithms: ['EdDSA', 'Ed25519'] })),
    ).toMatchObject({ code: 'invalid_dpop_proof', reason: 'alg' })
  })

  it('refuses an Ed448 jwk of the wrong length (jwk_invalid)', async () => {
    const keyPair = await generateKeyPair('Ed448')
    const jwk = await publicJwkOf(keyPair.publicKey)
    const proof = await signProof(
      { typ: 'dpop+jwt', alg: 'Ed448', jwk: { ...jwk, x: jwk.x?.slice(0, 43) } },
      { jti: 'j', htm: 'POST', htu: URL_, iat: Math.floor(Date.now() / 1000) },
      keyPair.privateKey,
      'Ed448',
    )
    expect(await rejection(verifyProof(proof, post, fresh()))).toMatchObject({
      code: 'invalid_dpop_proof',
      reason: 'jwk_invalid',
    })
  })
})

describe('importJwk', () => {
  for (const alg of DEFAULT_ALGORITHMS) {
    it(`imports ${alg} private and public JWKs that sign and verify proofs`, async () => {
      const generated = await generateKeyPair(alg, { extractable: true })
      const privateJwk = await exportJWK(generated.privateKey)
      const keyPair = {
        privateKey: await importJwk(privateJwk, alg),
        publicKey: await importJwk(await exportJWK(generated.publicKey), alg, { extractable: true }),
      }
      expect(keyPair.privateKey.extractable).toBe(false)
      const proof = await createProof(keyPair, { htm: 'POST', htu: URL_, alg })
      expect((await verifyProof(proof, post, fresh())).header.alg).toBe(alg)
    })
  }

  it('refuses a key that does not fit alg, and unsupported algorithms', async () => {
    const ed448 = await exportJWK((await generateKeyPair('Ed448', { extractable: true })).privateKey)
    await expect(importJwk(ed448, 'Ed25519')).rejects.toThrow(TypeError)
    await expect(importJwk(ed448, 'HS256' as DPoPAlgorithm)).rejects.toThrow(TypeError)
    await expect(importJwk({ kty: 'oct', k: 'AAAA' }, 'ES256')).rejects.toThrow(TypeError)
  })
})
