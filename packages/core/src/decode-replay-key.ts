// The 6-bit value of each base64url character by char code below 128, 64 for any other character.
const SEXTETS = new Uint8Array(128).fill(64)
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) {
  SEXTETS[c.charCodeAt(0)] = i
}

function sextet(key: string, i: number): number {
  const code = key.charCodeAt(i)
  return code < 128 ? (SEXTETS[code] as number) : 64
}

/**
 * Decodes a replay key spelled as verifyProof spells it, 16 bytes in 22 characters of canonical base64url
 * (RFC 4648 §5, no padding, unused trailing bits zero), into four big-endian 32-bit words at `out[0..3]`.
 * Returns false, leaving `out` in any state, for any other string: only canonical spellings decode, so
 * two distinct keys never give the same words.
 */
export function decodeReplayKey(key: string, out: Uint32Array): boolean {
  if (key.length !== 22) return false
  // Unrolled: 22 characters carry 132 bits, the words take 128 and the last 4 must be zero.
  const c0 = sextet(key, 0)
  const c1 = sextet(key, 1)
  const c2 = sextet(key, 2)
  const c3 = sextet(key, 3)
  const c4 = sextet(key, 4)
  const c5 = sextet(key, 5)
  const c6 = sextet(key, 6)
  const c7 = sextet(key, 7)
  const c8 = sextet(key, 8)
  const c9 = sextet(key, 9)
  const c10 = sextet(key, 10)
  const c11 = sextet(key, 11)
  const c12 = sextet(key, 12)
  const c13 = sextet(key, 13)
  const c14 = sextet(key, 14)
  const c15 = sextet(key, 15)
  const c16 = sextet(key, 16)
  const c17 = sextet(key, 17)
  const c18 = sextet(key, 18)
  const c19 = sextet(key, 19)
  const c20 = sextet(key, 20)
  const c21 = sextet(key, 21)
  const any =
    c0 |
    c1 |
    c2 |
    c3 |
    c4 |
    c5 |
    c6 |
    c7 |
    c8 |
    c9 |
    c10 |
    c11 |
    c12 |
    c13 |
    c14 |
    c15 |
    c16 |
    c17 |
    c18 |
    c19 |
    c20
  if ((any & 64) !== 0 || (c21 & 0b1001111) !== 0) return false
  out[0] = (c0 << 26) | (c1 << 20) | (c2 << 14) | (c3 << 8) | (c4 << 2) | (c5 >>> 4)
  out[1] = ((c5 & 15) << 28) | (c6 << 22) | (c7 << 16) | (c8 << 10) | (c9 << 4) | (c10 >>> 2)
  out[2] = ((c10 & 3) << 30) | (c11 << 24) | (c12 << 18) | (c13 << 12) | (c14 << 6) | c15
  out[3] = (c16 << 26) | (c17 << 20) | (c18 << 14) | (c19 << 8) | (c20 << 2) | (c21 >>> 4)
  return true
}
