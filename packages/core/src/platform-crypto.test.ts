import { generateKeyPairSync, sign } from 'node:crypto'
import fc from 'fast-check'
import { base64url, compactVerify, importJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import type { DPoPAlgorithm } from './algorithms.js'
import { isCanonicalBase64url } from './canonical-base64url.js'
import { KeyCache } from './key-cache.js'
import { decodeBase64urlText, verifyJwsSignature } from './platform-crypto.js'
import type { PublicJwk } from './public-jwk.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** What decodeBase64urlText must answer, by jose's decoder and a fatal TextDecoder. */
function reference(segment: string): string | undefined {
  if (!isCanonicalBase64url(segment)) return undefined
  try {
    return utf8.decode(base64url.decode(segment))
  } catch {
    return undefined
  }
}

// Characters that a lenient decoder reads as base64url or skips: the standard alphabet's + and /, padding,
// whitespace, and characters whose low byte is a base64url character (U+0141 'Ł' ends in 0x41, 'A').
const SPOILERS = ['+', '/', '=', ' ', '\t', '\n', '.', ',', '\u0141', '\u012d', '\u015f', '\u00c1', '\ud83d']

describe('RFC 7515 §2 decodeBase64urlText: canonical base64url of UTF-8, nothing else', () => {
  it('gives back any text that was encoded (UTF-8, then base64url without padding)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const segment = base64url.encode(new TextEncoder().encode(text))
        expect(decodeBase64urlText(segment)).toBe(text.length === 0 ? undefined : text)
      }),
    )
  })

  it('agrees with jose and a fatal TextDecoder on spoiled segments', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 64 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SPOILERS), fc.boolean()), { maxLength: 3 }),
        (bytes, spoils) => {
          let segment = base64url.encode(bytes)
          for (const [at, spoiler, replace] of spoils) {
            const i = segment.length === 0 ? 0 : at % segment.length
            segment = segment.slice(0, i) + spoiler + segment.slice(replace ? i + 1 : i)
          }
          expect(decodeBase64urlText(segment)).toBe(reference(segment))
        },
      ),
    )
  })

  it('rejects padding, non-zero trailing bits, a length of 4n+1, the standard alphabet and bytes that are not UTF-8', () => {
    const segment = base64url.encode(new TextEncoder().encode('{"a":1}'))
    expect(decodeBase64urlText(segment)).toBe('{"a":1}')
    expect(decodeBase64urlText(`${segment}=`)).toBeUndefined()
    expect(decodeBase64urlText('QQ')).toBe('A')
    expect(decodeBase64urlText('QR')).toBeUndefined() // the last character carries a set unused bit
    expect(decodeBase64urlText('QUFBQ')).toBeUndefined()
    expect(decodeBase64urlText(base64url.encode(new Uint8Array([0xfb, 0xff])).replace('-', '+'))).toBe(
      undefined,
    )
    expect(decodeBase64urlText(base64url.encode(new Uint8Array([0xc3, 0x28])))).toBeUndefined()
    expect(decodeBase64urlText('\u0141\u0141\u0141\u0141')).toBeUndefined() // read as "AAAA" by a lenient decoder
    expect(decodeBase64urlText('')).toBeUndefined()
  })

  it('decodes segments longer than any seen before, and short ones after them', () => {
    const long = 'x'.repeat(20_000)
    expect(decodeBase64urlText(base64url.encode(long))).toBe(long)
    expect(decodeBase64urlText(base64url.encode('{}'))).toBe('{}')
  })
})

const KEYS = {
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: () => generateKeyPairSync('ed25519'),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  PS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
} as const

describe('RFC 7515 §5.2 verifyJwsSignature: the signature over the JWS as it arrived, cross-checked with jose', () => {
  for (const alg of Object.keys(KEYS) as (keyof typeof KEYS)[]) {
    it(`${alg}: accepts what jose accepts, refuses tampered signatures and inputs`, async () => {
      const { privateKey, publicKey } = KEYS[alg]()
      const { kty, crv, x, y, n, e } = publicKey.export({ format: 'jwk' })
      const jwk = JSON.parse(JSON.stringify({ kty, crv, x, y, n, e })) as PublicJwk
      const { key } = await new KeyCache().get(jwk, alg as DPoPAlgorithm)
      const joseKey = await importJWK(jwk, alg)
      const head = base64url.encode(JSON.stringify({ alg }))
      const body = base64url.encode(JSON.stringify({ jti: 'x'.repeat(alg === 'ES256' ? 5000 : 10) }))
      const input = `${head}.${body}`
      const options =
        alg === 'ES256'
          ? { key: privateKey, dsaEncoding: 'ieee-p1363' as const }
          : alg === 'PS256'
            ? { key: privateKey, padding: 6, saltLength: 32 }
            : { key: privateKey }
      const signature = sign(alg === 'EdDSA' ? null : 'sha256', Buffer.from(input), options)
      const jws = `${input}.${signature.toString('base64url')}`
      const verify = (candidate: string) =>
        verifyJwsSignature(alg as DPoPAlgorithm, key, candidate, candidate.lastIndexOf('.'))
      const jose = (candidate: string) =>
        compactVerify(candidate, joseKey).then(
          () => true,
          () => false,
        )
      expect(await verify(jws)).toBe(true)
      expect(await jose(jws)).toBe(true)
      // Another byte of the signature or of the signing input: both refuse.
      const flipped = Buffer.from(signature)
      flipped[7] = (flipped[7] as number) ^ 1
      const tampered = [
        `${input}.${flipped.toString('base64url')}`,
        `${head}.${base64url.encode(JSON.stringify({ jti: 'y' }))}.${signature.toString('base64url')}`,
        `${input}.${signature.subarray(0, -1).toString('base64url')}`,
      ]
      for (const candidate of tampered) {
        expect(await verify(candidate)).toBe(false)
        expect(await jose(candidate)).toBe(false)
      }
      // A shorter proof after a longer one (the bytes are written into one reused buffer).
      expect(await verify(jws)).toBe(true)
    })
  }
})
