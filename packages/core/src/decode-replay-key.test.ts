import { base64url } from 'jose'
import { describe, expect, it } from 'vitest'
import { decodeReplayKey } from './decode-replay-key.js'

const words = () => new Uint32Array(4)

describe('decodeReplayKey (RFC 4648 §5 base64url, 16 bytes)', () => {
  it('decodes 22 canonical characters to four big-endian words', () => {
    const out = words()
    // bytes 0x00..0x0f
    expect(decodeReplayKey('AAECAwQFBgcICQoLDA0ODw', out)).toBe(true)
    expect([...out]).toEqual([0x00010203, 0x04050607, 0x08090a0b, 0x0c0d0e0f])
    expect(decodeReplayKey('_____________________w', out)).toBe(true)
    expect([...out]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff])
  })

  it('gives back the bytes jose encoded, for random keys', () => {
    const out = words()
    for (let i = 0; i < 1000; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(16))
      expect(decodeReplayKey(base64url.encode(bytes), out)).toBe(true)
      const view = new DataView(bytes.buffer)
      expect([...out]).toEqual([0, 4, 8, 12].map((at) => view.getUint32(at)))
    }
  })

  it('refuses other lengths', () => {
    for (const key of [
      '',
      'k',
      'AAECAwQFBgcICQoLDA0OD',
      'AAECAwQFBgcICQoLDA0ODwA',
      'AAECAwQFBgcICQoLDA0ODw==',
    ])
      expect(decodeReplayKey(key, words())).toBe(false)
  })

  it('refuses characters outside the base64url alphabet, non-ASCII ones included', () => {
    // '\u0141' has the low 7 bits of 'A': it must not be read as 'A'.
    for (const bad of ['+', '/', '=', '.', ' ', 'é', '\u0141', '\u{1F600}'.charAt(0)]) {
      for (const at of [0, 10, 20]) {
        const key = `${'AAECAwQFBgcICQoLDA0ODw'.slice(0, at)}${bad}${'AAECAwQFBgcICQoLDA0ODw'.slice(at + 1)}`
        expect(key).toHaveLength(22)
        expect(decodeReplayKey(key, words()), JSON.stringify(key)).toBe(false)
      }
    }
  })

  it('refuses a last character with unused bits set (a second spelling of the same bytes)', () => {
    // 'w' is 110000: its low 4 bits are unused. 'x' (110001) spells the same bytes non-canonically.
    expect(decodeReplayKey('AAECAwQFBgcICQoLDA0ODx', words())).toBe(false)
    expect(decodeReplayKey('AAECAwQFBgcICQoLDA0OD_', words())).toBe(false)
  })
})
