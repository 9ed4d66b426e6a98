import { base64url } from 'jose'
import { describe, expect, it } from 'vitest'
import { decodeJtiWords, JTI_LENGTH, JTI_WORDS } from './decode-jti-words.js'

const words = () => new Uint32Array(JTI_WORDS)
const bigEndianWords = (bytes: Uint8Array) =>
  Array.from({ length: 4 }, (_, i) => new DataView(bytes.buffer).getUint32(i * 4))

describe('decodeJtiWords (RFC 4648 §5 base64url, a 128-bit RFC 9449 §4.2 jti)', () => {
  it('gives back the bytes jose encoded, as four big-endian words, for random values', () => {
    const out = words()
    for (let i = 0; i < 2000; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(16))
      const jti = base64url.encode(bytes)
      expect(jti).toHaveLength(JTI_LENGTH)
      expect(decodeJtiWords(jti, 0, out)).toBe(true)
      expect([...out]).toEqual(bigEndianWords(bytes))
    }
    expect(decodeJtiWords(base64url.encode(new Uint8Array(16).fill(255)), 0, out)).toBe(true)
    expect([...out]).toEqual(Array(4).fill(0xffffffff))
  })

  it('decodes from an offset to the end of the text, the jti of a `<thumbprint>.<jti>` key', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i)
    const out = words()
    expect(decodeJtiWords(`thumbprint.${base64url.encode(bytes)}`, 11, out)).toBe(true)
    expect([...out]).toEqual(bigEndianWords(bytes))
    expect(decodeJtiWords(`thumbprint.${base64url.encode(bytes)}x`, 11, out)).toBe(false)
  })

  it('refuses every other spelling: other lengths, padding, unused bits set, characters outside base64url', () => {
    const jti = base64url.encode(Uint8Array.from({ length: 16 }, (_, i) => i))
    const out = words()
    for (const text of [
      '',
      jti.slice(1),
      `${jti}A`,
      `${jti.slice(0, -2)}==`,
      `${jti.slice(0, -1)}x`, // the same bytes with the last character's unused bits set
      `${jti.slice(0, 5)}+${jti.slice(6)}`, // base64, not base64url
      `${jti.slice(0, 5)}/${jti.slice(6)}`,
      `${jti.slice(0, 5)}.${jti.slice(6)}`,
      `${jti.slice(0, 5)}\u0141${jti.slice(6)}`, // 'A' + 256: low bits of a base64url character
      `${jti.slice(0, 21)}\uD800`,
    ]) {
      expect(decodeJtiWords(text, 0, out), JSON.stringify(text)).toBe(false)
    }
  })

  it('is one-to-one: every position of every character decodes to its own value', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const seen = new Set<string>()
    const out = words()
    for (let position = 0; position < JTI_LENGTH - 1; position++) {
      for (const c of alphabet) {
        const text = `${'A'.repeat(position)}${c}${'A'.repeat(JTI_LENGTH - 1 - position)}`
        expect(decodeJtiWords(text, 0, out)).toBe(true)
        seen.add([...out].join())
      }
    }
    expect(seen.size).toBe((JTI_LENGTH - 1) * 63 + 1) // 'A' (zero) everywhere is one value
  })
})
