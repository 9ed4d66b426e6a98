import { describe, expect, it } from 'vitest'
import { isCanonicalBase64url } from './canonical-base64url.js'
import { encodeBase64url, sha256Base64url } from './platform-crypto.js'
import { replayKeyOf } from './replay-key.js'

const randomJti = () => encodeBase64url(crypto.getRandomValues(new Uint8Array(16)))
const thumbprint = () => encodeBase64url(crypto.getRandomValues(new Uint8Array(32)))

describe('RFC 9449 §11.1 replay keys: one 128-bit key per (thumbprint, jti)', () => {
  it('is the same for the same pair and differs for another jti or another key (128-bit base64url jti)', async () => {
    const keys = new Set<string>()
    const thumbprints = [thumbprint(), thumbprint()]
    const jtis = Array.from({ length: 500 }, randomJti)
    for (const t of thumbprints) {
      for (const jti of jtis) {
        const key = await replayKeyOf(t, jti)
        expect(await replayKeyOf(t, jti)).toBe(key)
        expect(key).toHaveLength(22)
        expect(isCanonicalBase64url(key)).toBe(true)
        keys.add(key)
      }
    }
    expect(keys.size).toBe(1000)
  })

  it('hashes any other jti: SHA-256 of "thumbprint.jti", first 16 bytes', async () => {
    const t = thumbprint()
    for (const jti of [
      'f47ac10b-58cc-4372-a567-0e02b2c3d479',
      'x',
      'A'.repeat(21),
      'AAAAAAAAAAAAAAAAAAAAAB',
      `${'A'.repeat(21)}=`,
    ]) {
      expect(await replayKeyOf(t, jti)).toBe(await sha256Base64url(`${t}.${jti}`, 16))
    }
  })

  it('a hashed jti and a 128-bit jti of one key do not share a key', async () => {
    const t = thumbprint()
    const jti = randomJti()
    expect(await replayKeyOf(t, jti)).not.toBe(await sha256Base64url(`${t}.${jti}`, 16))
  })
})
