import { generateKeyPairSync, sign } from 'node:crypto'
import { calculateJwkThumbprint } from 'jose'
import { describe, expect, it } from 'vitest'
import { KeyCache } from './key-cache.js'
import { verifySignature } from './platform-crypto.js'
import type { PublicJwk } from './public-jwk.js'

function publicJwk(type: 'ec' | 'ed25519'): PublicJwk {
  const { publicKey } =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' })
  return (type === 'ec' ? { kty, crv, x, y } : { kty, crv, x }) as PublicJwk
}

describe('KeyCache', () => {
  it('imports a new key once, with its RFC 7638 thumbprint, and answers with the settled entry after', async () => {
    const cache = new KeyCache()
    for (const [type, alg] of [
      ['ec', 'ES256'],
      ['ed25519', 'EdDSA'],
    ] as const) {
      const jwk = publicJwk(type)
      const first = await cache.get(jwk, alg)
      expect(first.thumbprint).toBe(await calculateJwkThumbprint(jwk, 'sha256'))
      expect(cache.get({ ...jwk }, alg)).toBe(first)
    }
  })

  it('imports an Ed25519 key on Node synchronously (no promise)', () => {
    expect(new KeyCache().get(publicJwk('ed25519'), 'EdDSA')).not.toBeInstanceOf(Promise)
  })

  it('imports a key that verifies what its private key signed, and nothing else', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' })
    const { key } = await new KeyCache().get({ kty, crv, x, y } as PublicJwk, 'ES256')
    const data = new TextEncoder().encode('signing input')
    const signature = new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }))
    expect(await verifySignature('ES256', key, signature, data)).toBe(true)
    expect(await verifySignature('ES256', key, signature, new TextEncoder().encode('other input'))).toBe(
      false,
    )
  })

  it('rejects a coordinate outside the field of P-256 (x = p), which no point has', async () => {
    const jwk = publicJwk('ec') as Extract<PublicJwk, { kty: 'EC' }>
    const p = Buffer.from('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff', 'hex')
    await expect(new KeyCache().get({ ...jwk, x: p.toString('base64url') }, 'ES256')).rejects.toThrow()
  })

  it('rejects a point off its curve and does not cache the failure', async () => {
    const cache = new KeyCache()
    const jwk = publicJwk('ec') as Extract<PublicJwk, { kty: 'EC' }>
    const y = Buffer.from(jwk.y, 'base64url')
    y[31] = (y[31] as number) ^ 1
    const offCurve = { ...jwk, y: y.toString('base64url') }
    await expect(cache.get(offCurve, 'ES256')).rejects.toThrow()
    await expect(cache.get(offCurve, 'ES256')).rejects.toThrow()
    await expect(cache.get(jwk, 'ES256')).resolves.toHaveProperty('thumbprint')
  })
})
