import { describe, expect, it } from 'vitest'
import { encodeBase64url } from './platform-crypto.js'
import { replayKeyOf } from './replay-key.js'

const thumbprint = () => encodeBase64url(crypto.getRandomValues(new Uint8Array(32)))

describe('RFC 9449 §11.1 replay keys: the pair (thumbprint, jti) whole', () => {
  it('is "thumbprint.jti", so two pairs share a key only when they are the same pair', () => {
    const t = thumbprint()
    for (const jti of ['f47ac10b-58cc-4372-a567-0e02b2c3d479', 'x', 'a.b', 'AAECAwQFBgcICQoLDA0ODw'])
      expect(replayKeyOf(t, jti)).toBe(`${t}.${jti}`)
    // A thumbprint never holds a dot: the first dot splits the pair, whatever dots the jti holds.
    const u = thumbprint()
    expect(replayKeyOf(t, 'a.b')).not.toBe(replayKeyOf(u, 'a.b'))
    expect(replayKeyOf(t, 'a')).not.toBe(replayKeyOf(t, 'a.'))
  })
})
