import { base64url } from 'jose'
import { describe, expect, it } from 'vitest'
import { decodeReplayKey, PAIR_KEY_LENGTH, PAIR_KEY_WORDS } from './decode-replay-key.js'

const words = () => new Uint32Array(PAIR_KEY_WORDS)
const bytes = (from: number, count: number) => Uint8Array.from({ length: count }, (_, i) => from + i)
// Thumbprint bytes 0x00…0x1f, jti bytes 0x40…0x4f.
const THUMBPRINT = base64url.encode(bytes(0, 32))
const JTI = base64url.encode(bytes(0x40, 16))
const PAIR = `${THUMBPRINT}.${JTI}`

/** What decodeReplayKey must give: the jti's bytes, then the thumbprint's, as big-endian words. */
function expectedWords(thumbprint: Uint8Array, jti: Uint8Array): number[] {
  const all = new Uint8Array(48)
  all.set(jti)
  all.set(thumbprint, 16)
  const view = new DataView(all.buffer)
  return Array.from({ length: 12 }, (_, i) => view.getUint32(i * 4))
}

describe('decodeReplayKey (RFC 9449 §11.1 pair of thumbprint and jti, RFC 4648 §5 base64url)', () => {
  it('decodes a 32-byte thumbprint and a 16-byte jti to twelve big-endian words, jti first', () => {
    const out = words()
    expect(PAIR).toHaveLength(PAIR_KEY_LENGTH)
    expect(decodeReplayKey(PAIR, out)).toBe(true)
    expect([...out]).toEqual(expectedWords(bytes(0, 32), bytes(0x40, 16)))
    const ones = `${base64url.encode(new Uint8Array(32).fill(255))}.${base64url.encode(new Uint8Array(16).fill(255))}`
    expect(decodeReplayKey(ones, out)).toBe(true)
    expect([...out]).toEqual(Array(12).fill(0xffffffff))
  })

  it('gives back the bytes jose encoded, for random pairs', () => {
    const out = words()
    for (let i = 0; i < 1000; i++) {
      const thumbprint = crypto.getRandomValues(new Uint8Array(32))
      const jti = crypto.getRandomValues(new Uint8Array(16))
      expect(decodeReplayKey(`${base64url.encode(thumbprint)}.${base64url.encode(jti)}`, out)).toBe(true)
      expect([...out]).toEqual(expectedWords(thumbprint, jti))
    }
  })

  it('refuses other shapes: other lengths, no dot, a jti or thumbprint alone', () => {
    for (const key of [
      '',
      'k',
      JTI,
      THUMBPRINT,
      `${THUMBPRINT}.${JTI}A`,
      `${THUMBPRINT}.${JTI.slice(1)}`,
      `${THUMBPRINT}A.${JTI.slice(1)}`,
      `${THUMBPRINT}_${JTI}`,
      `${THUMBPRINT}.${JTI}==`,
      `${JTI}.${THUMBPRINT}`,
    ])
      expect(decodeReplayKey(key, words()), key).toBe(false)
  })

  it('refuses characters outside the base64url alphabet, non-ASCII ones included', () => {
    // '\u0141' has the low 7 bits of 'A': it must not be read as 'A'.
    for (const bad of ['+', '/', '=', '.', ' ', 'é', '\u0141', '\u{1F600}'.charAt(0)]) {
      for (const at of [0, 15, 16, 31, 32, 39, 40, 41, 42, 44, 59, 60, 63, 64, 65]) {
        const key = `${PAIR.slice(0, at)}${bad}${PAIR.slice(at + 1)}`
        expect(key).toHaveLength(PAIR_KEY_LENGTH)
        expect(decodeReplayKey(key, words()), JSON.stringify(key)).toBe(false)
      }
    }
  })

  it('refuses a last character with unused bits set (a second spelling of the same bytes)', () => {
    // The jti's last character carries 2 bits and 4 unused ones, the thumbprint's 4 and 2 unused ones.
    const other = (c: string, bit: number) =>
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charAt(
        'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(c) | bit,
      )
    for (const bit of [1, 2, 4, 8])
      expect(decodeReplayKey(`${PAIR.slice(0, 65)}${other(PAIR.charAt(65), bit)}`, words())).toBe(false)
    for (const bit of [1, 2])
      expect(
        decodeReplayKey(`${PAIR.slice(0, 42)}${other(PAIR.charAt(42), bit)}${PAIR.slice(43)}`, words()),
      ).toBe(false)
  })
})
