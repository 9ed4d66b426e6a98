const SEXTETS = new Uint8Array(128).fill(64)
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) {
  SEXTETS[c.charCodeAt(0)] = i
}
export const PAIR_KEY_LENGTH = 66
export const PAIR_KEY_WORDS = 12
const DOT = 43
function sextet(key: string, i: number): number {
  const code = key.charCodeAt(i)
  return code < 128 ? (SEXTETS[code] as number) : 64
}
function group(key: string, i: number): number {
  const a = sextet(key, i)
  const b = sextet(key, i + 1)
  const c = sextet(key, i + 2)
  const d = sextet(key, i + 3)
  return ((a | b | c | d) & 64) === 0 ? (a << 18) | (b << 12) | (c << 6) | d : -1
}
function threeWords(key: string, i: number, out: Uint32Array, o: number): boolean {
  const g0 = group(key, i)
  const g1 = group(key, i + 4)
  const g2 = group(key, i + 8)
  const g3 = group(key, i + 12)
  if ((g0 | g1 | g2 | g3) < 0) return false
  out[o] = (g0 << 8) | (g1 >>> 16)
  out[o + 1] = (g1 << 16) | (g2 >>> 8)
  out[o + 2] = (g2 << 24) | g3
  return true
}
export function decodeReplayKey(key: string, out: Uint32Array): boolean {
  if (key.length !== PAIR_KEY_LENGTH || key.charCodeAt(DOT) !== 0x2e) return false
  const j = DOT + 1
  const g4 = group(key, j + 16)
  const j20 = sextet(key, j + 20)
  const j21 = sextet(key, j + 21)
  if (g4 < 0 || ((j20 | j21) & 64) !== 0 || (j21 & 0b1111) !== 0 || !threeWords(key, j, out, 0)) return false
  out[3] = (g4 << 8) | (j20 << 2) | (j21 >>> 4)
  const g8 = group(key, 32)
  const g9 = group(key, 36)
  const t40 = sextet(key, 40)
  const t41 = sextet(key, 41)
  const t42 = sextet(key, 42)
  if ((g8 | g9) < 0 || ((t40 | t41 | t42) & 64) !== 0 || (t42 & 0b11) !== 0) return false
  if (!threeWords(key, 0, out, 4) || !threeWords(key, 16, out, 7)) return false
  out[10] = (g8 << 8) | (g9 >>> 16)
  out[11] = (g9 << 16) | (t40 << 10) | (t41 << 4) | (t42 >>> 2)
  return true
}
