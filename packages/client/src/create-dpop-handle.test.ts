import { generateKeyPair } from '@dpop/core'
import { decodeJwt, decodeProtectedHeader, exportJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { createDPoPHandle } from './create-dpop-handle.js'
import { createMemoryKeyStore } from './create-memory-key-store.js'

describe('createDPoPHandle', () => {
  it('generates an ES256 pair whose private key cannot be exported', async () => {
    const handle = await createDPoPHandle()
    expect(handle.algorithm).toBe('ES256')
    expect(handle.keyPair.privateKey.extractable).toBe(false)
    await expect(exportJWK(handle.keyPair.privateKey)).rejects.toThrow()
    expect(handle.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
    })
  })

  it('RFC 9449 §10: the thumbprint is the RFC 7638 SHA-256 thumbprint of the public key', async () => {
    const handle = await createDPoPHandle({ alg: 'EdDSA' })
    expect(handle.algorithm).toBe('EdDSA')
    const { calculateJwkThumbprint } = await import('jose')
    expect(handle.thumbprint).toBe(await calculateJwkThumbprint(handle.publicJwk, 'sha256'))
    expect(handle.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('uses a given key pair', async () => {
    const keyPair = await generateKeyPair('ES384')
    const handle = await createDPoPHandle({ keyPair })
    expect(handle.keyPair).toBe(keyPair)
    const proof = await handle.createProof({ method: 'GET', url: 'https://h/' })
    expect(decodeProtectedHeader(proof).alg).toBe('ES384')
  })

  it('loads the pair from the key store, or generates and saves one', async () => {
    const keyStore = createMemoryKeyStore()
    const first = await createDPoPHandle({ keyStore })
    const second = await createDPoPHandle({ keyStore })
    expect(second.thumbprint).toBe(first.thumbprint)
    await keyStore.delete()
    expect((await createDPoPHandle({ keyStore })).thumbprint).not.toBe(first.thumbprint)
  })

  it('replaces a stored pair of another algorithm when alg is asked for', async () => {
    const keyStore = createMemoryKeyStore()
    await createDPoPHandle({ keyStore, alg: 'ES256' })
    const handle = await createDPoPHandle({ keyStore, alg: 'EdDSA' })
    expect(handle.algorithm).toBe('EdDSA')
    expect((await createDPoPHandle({ keyStore })).thumbprint).toBe(handle.thumbprint)
  })

  it('RFC 9449 §8: nonces are kept per origin, in a bounded cache', async () => {
    const handle = await createDPoPHandle({ maxNonceOrigins: 2 })
    handle.rememberNonce('https://a.example/token', 'nonce-a')
    expect(handle.nonceFor('https://a.example/other?x')).toBe('nonce-a')
    expect(handle.nonceFor('https://a.example:8443/')).toBeUndefined()
    expect(handle.nonceFor('http://a.example/')).toBeUndefined()
    handle.rememberNonce('https://b.example/', 'nonce-b')
    handle.rememberNonce('https://c.example/', 'nonce-c')
    expect(handle.nonceFor('https://a.example/')).toBeUndefined()
    // A value outside NQCHAR (§8.1) is not a nonce.
    handle.rememberNonce('https://c.example/', 'has "quote"')
    expect(handle.nonceFor('https://c.example/')).toBe('nonce-c')
    const proof = await handle.createProof({ method: 'GET', url: 'https://c.example/r' })
    expect(decodeJwt(proof).nonce).toBe('nonce-c')
  })

  it('RFC 9449 §11.1: iat follows the injected clock plus the learned offset', async () => {
    let local = Date.UTC(2025, 0, 1)
    const handle = await createDPoPHandle({ now: () => local })
    const iat = async () => decodeJwt(await handle.createProof({ method: 'GET', url: 'https://h/' })).iat
    expect(await iat()).toBe(local / 1000)
    const response = new Response(null, { headers: { Date: new Date(local + 600_000).toUTCString() } })
    expect(handle.observeResponse('https://h/', response, local)).toBe(true)
    expect(await iat()).toBe(Math.floor((local + 600_500) / 1000))
    local += 10_000
    expect(await iat()).toBe(Math.floor((local + 600_500) / 1000))
  })

  it('does not learn the clock from a cached response', async () => {
    const local = Date.UTC(2025, 0, 1)
    const handle = await createDPoPHandle({ now: () => local })
    const cached = new Response(null, {
      headers: { Date: new Date(local - 3_600_000).toUTCString(), Age: '3600' },
    })
    expect(handle.observeResponse('https://h/', cached, local)).toBe(false)
    expect(handle.clockOffset).toBe(0)
  })
})
