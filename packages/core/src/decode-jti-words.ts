const SEXTETS = new Uint8Array(128).fill(64)
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) {
  SEXTETS[c.charCodeAt(0)] = i
}

/** Characters of a 128-bit `jti` in base64url without padding, as `createProof` and most clients send it. */
export const JTI_LENGTH = 22
/** 32-bit words of a decoded `jti`. */
export const JTI_WORDS = 4

// The sextet of the character at `i`, or 64 when it is not base64url.
function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i)
  return code < 128 ? (SEXTETS[code] as number) : 64
}

// 24 bits of four characters, or -1 when one is not base64url.
function group(text: string, i: number): number {
  const a = sextet(text, i)
  const b = sextet(text, i + 1)
  const c = sextet(text, i + 2)
  const d = sextet(text, i + 3)
  return ((a | b | c | d) & 64) === 0 ? (a << 18) | (b << 12) | (c << 6) | d : -1
}

/**
 * Decodes the 22 characters of `text` from `start` to its end, a 128-bit value in canonical base64url
 * (RFC 4648 §5, the unused low 4 bits of the last character zero), into four big-endian words of `out`.
 * `false`, with `out` unspecified, for any other text: then the value has no 128-bit spelling of its own and
 * must be kept some other way. One-to-one: two texts give the same words only when they are equal.
 */
export function decodeJtiWords(text: string, start: number, out: Uint32Array): boolean {
  if (text.length - start !== JTI_LENGTH) return false
  const g0 = group(text, start)
  const g1 = group(text, start + 4)
  const g2 = group(text, start + 8)
  const g3 = group(text, start + 12)
  const g4 = group(text, start + 16)
  const s20 = sextet(text, start + 20)
  const s21 = sextet(text, start + 21)
  if ((g0 | g1 | g2 | g3 | g4) < 0 || ((s20 | s21) & 64) !== 0 || (s21 & 0b1111) !== 0) return false
  out[0] = (g0 << 8) | (g1 >>> 16)
  out[1] = (g1 << 16) | (g2 >>> 8)
  out[2] = (g2 << 24) | g3
  out[3] = (g4 << 8) | (s20 << 2) | (s21 >>> 4)
  return true
}
