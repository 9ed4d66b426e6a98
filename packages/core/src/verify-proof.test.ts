import { base64url, exportJWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DPoPAlgorithm } from './algorithms.js'
import { calculateAccessTokenHash } from './calculate-access-token-hash.js'
import { calculateJwkThumbprint } from './calculate-jwk-thumbprint.js'
import { createMemoryReplayStore } from './create-memory-replay-store.js'
import { createNonceSource } from './create-nonce-source.js'
import { createProof } from './create-proof.js'
import { isDPoPError } from './dpop-error.js'
import { generateKeyPair } from './generate-key-pair.js'
import type { ReplayStore } from './replay-store.js'
import { publicJwkOf, request, signProof, signRaw } from './test-support.js'
import { type VerifyProofOptions, verifyProof } from './verify-proof.js'

const NOW = 1_700_000_000_000
const now = () => NOW
const iat = NOW / 1000
const URL_ = 'https://server.example.com/token'
const post = request('POST', URL_)

let es256: CryptoKeyPair
let other: CryptoKeyPair
let jwk: Awaited<ReturnType<typeof publicJwkOf>>

beforeAll(async () => {
  es256 = await generateKeyPair('ES256')
  other = await generateKeyPair('ES256')
  jwk = await publicJwkOf(es256.publicKey)
})

const fresh = (extra: Partial<VerifyProofOptions> = {}): VerifyProofOptions => ({
  now,
  replayStore: createMemoryReplayStore({ now }),
  ...extra,
})

const claims = (extra: Record<string, unknown> = {}) => ({
  jti: crypto.randomUUID(),
  htm: 'POST',
  htu: URL_,
  iat,
  ...extra,
})

async function rejects(promise: Promise<unknown>, code: string, reason: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isDPoPError(error), `expected DPoPError ${code}/${reason}, got ${String(error)}`).toBe(true)
  expect(error).toMatchObject({ code, reason })
  return error as import('./dpop-error.js').DPoPError
}

async function signed(header: Record<string, unknown>, payload: Record<string, unknown> | unknown[]) {
  return signProof({ typ: 'dpop+jwt', alg: 'ES256', jwk, ...header }, payload, es256.privateKey, 'ES256')
}

describe('RFC 9449 §4.3 checking DPoP proofs: one valid proof per algorithm', () => {
  const algs: DPoPAlgorithm[] = ['ES256', 'ES384', 'ES512', 'PS256', 'RS256', 'EdDSA']
  for (const alg of algs) {
    it(`accepts ${alg}`, async () => {
      const keyPair = await generateKeyPair(alg)
      const proof = await createProof(keyPair, { htm: 'POST', htu: URL_, iat })
      const result = await verifyProof(proof, post, fresh())
      expect(result.thumbprint).toBe(await calculateJwkThumbprint(await publicJwkOf(keyPair.publicKey)))
      expect(result.header.alg).toBe(alg)
      expect(result.claims.htu).toBe(URL_)
    })
  }

  it('returns the thumbprint of RFC 7638 and the claims', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: `${URL_}?x=1#f`, iat, jti: 'abc' })
    const result = await verifyProof(proof, post, fresh())
    expect(result.claims).toMatchObject({ jti: 'abc', htm: 'POST', htu: URL_, iat })
    expect(result.jwk).toEqual(jwk)
    expect(result.responseHeaders).toEqual({})
  })
})

describe('RFC 9449 §4.3 step 1: exactly one DPoP HTTP request header', () => {
  it('rejects a missing header', async () => {
    await rejects(verifyProof(undefined, post, fresh()), 'invalid_dpop_proof', 'missing')
    await rejects(verifyProof([], post, fresh()), 'invalid_dpop_proof', 'missing')
  })
  it('rejects two DPoP headers, as an array or as Node joins them', async () => {
    const a = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    const b = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    await rejects(verifyProof([a, b], post, fresh()), 'invalid_dpop_proof', 'header_multiple')
    await rejects(verifyProof(`${a}, ${b}`, post, fresh()), 'invalid_dpop_proof', 'header_multiple')
  })
  it('rejects a header value that is not a string without throwing anything but DPoPError', async () => {
    for (const value of [[undefined], [42], 42, {}] as unknown as string[]) {
      await rejects(verifyProof(value, post, fresh()), 'invalid_dpop_proof', 'malformed')
    }
  })
  it('rejects a missing proof given as null, what Fetch Headers.get answers, with DPoPError not TypeError', async () => {
    await rejects(verifyProof(null, post, fresh()), 'invalid_dpop_proof', 'missing')
    await rejects(
      verifyProof(new Headers().get('dpop'), post, fresh({ accessToken: 'token' })),
      'invalid_dpop_proof',
      'missing',
    )
  })
  it('rejects a request whose own DPoP header has several values, whatever the proof argument', async () => {
    const a = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    const b = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    const headers = [
      { dpop: [a, b] },
      { dpop: `${a}, ${b}` },
      { dpop: `${a},${b}` },
      { dpop: [`${a}, ${b}`] },
    ]
    for (const header of headers) {
      const twice = request('POST', URL_, header)
      for (const proof of [a, [a], undefined, null]) {
        await rejects(verifyProof(proof, twice, fresh()), 'invalid_dpop_proof', 'header_multiple')
      }
    }
    // One value in the request: the proof passed alongside is verified as usual.
    await expect(verifyProof(a, request('POST', URL_, { dpop: a }), fresh())).resolves.toBeDefined()
    await expect(verifyProof(b, request('POST', URL_, { dpop: [b] }), fresh())).resolves.toBeDefined()
  })
  it('accepts a single-element array', async () => {
    const a = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    await expect(verifyProof([a], post, fresh())).resolves.toBeDefined()
  })
})

describe('RFC 9449 §4.3 step 2: a well-formed JWT', () => {
  it('rejects an oversized proof before parsing it', async () => {
    const proof = await signed({}, claims({ pad: 'x'.repeat(9000) }))
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'too_large')
    await expect(verifyProof(proof, post, fresh({ maxProofLength: 20_000 }))).resolves.toBeDefined()
  })
  it.each([
    ['two parts', 'eyJhbGciOiJFUzI1NiJ9.e30'],
    ['four parts', 'a.b.c.d'],
    ['empty signature', 'eyJhbGciOiJFUzI1NiJ9.e30.'],
    ['bad base64url', 'eyJhbGciOiJFUzI1NiJ9.e3+0.abc'],
    ['padding', 'eyJhbGciOiJFUzI1NiJ9=.e30.abc'],
    ['non-JSON header', 'bm90IGpzb24.e30.abc'],
    ['empty string', ''],
  ])('rejects %s', async (_, proof) => {
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'malformed')
  })
  it.each([
    ['a padded payload', (segment: string) => `${segment}${'='.repeat((4 - (segment.length % 4)) % 4 || 2)}`],
    ['a payload with a space inside', (segment: string) => `${segment.slice(0, 8)} ${segment.slice(8)}`],
    ['a payload with a tab inside', (segment: string) => `${segment.slice(0, 8)}\t${segment.slice(8)}`],
  ])('RFC 7515 §2: rejects %s, signed over the bytes sent, as bad base64url', async (_, spoil) => {
    const headerSegment = base64url.encode(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk }))
    const payloadSegment = spoil(base64url.encode(JSON.stringify(claims())))
    const input = `${headerSegment}.${payloadSegment}`
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      es256.privateKey,
      new TextEncoder().encode(input),
    )
    const error = await rejects(
      verifyProof(`${input}.${base64url.encode(new Uint8Array(signature))}`, post, fresh()),
      'invalid_dpop_proof',
      'malformed',
    )
    expect(error.description).toBe(
      'DPoP proof payload segment is not base64url (RFC 7515 §2: no padding, whitespace or other characters)',
    )
  })
  it('names a padded header segment as bad base64url, a non-JSON one as not JSON', async () => {
    const padded = await rejects(
      verifyProof('eyJhbGciOiJFUzI1NiJ9=.e30.abc', post, fresh()),
      'invalid_dpop_proof',
      'malformed',
    )
    expect(padded.description).toMatch(/^DPoP proof header segment is not base64url/)
    const notJson = await rejects(
      verifyProof('bm90IGpzb24.e30.abc', post, fresh()),
      'invalid_dpop_proof',
      'malformed',
    )
    expect(notJson.description).toBe('DPoP proof header is not a JSON object')
  })
  it('rejects a JSON array payload', async () => {
    const proof = await signed({}, [claims()])
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'malformed')
  })
  it('rejects duplicate member names in the header and in the payload (RFC 7515 §5.2)', async () => {
    const header = JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk })
    const payload = JSON.stringify(claims())
    const dupHeader = `{"typ":"dpop+jwt",${header.slice(1)}`
    const dupPayload = `{"htu":"https://evil.example/",${payload.slice(1)}`
    await rejects(
      verifyProof(await signRaw(dupHeader, payload, es256.privateKey, 'ES256'), post, fresh()),
      'invalid_dpop_proof',
      'malformed',
    )
    await rejects(
      verifyProof(await signRaw(header, dupPayload, es256.privateKey, 'ES256'), post, fresh()),
      'invalid_dpop_proof',
      'malformed',
    )
  })
  it('accepts the same name in different objects', async () => {
    const proof = await signed({}, claims({ a: { jti: 1 }, b: [{ jti: 2 }, { jti: 3 }] }))
    await expect(verifyProof(proof, post, fresh())).resolves.toBeDefined()
  })
})

describe('RFC 9449 §4.3 step 4: typ is dpop+jwt', () => {
  it('rejects a missing or wrong typ', async () => {
    await rejects(
      verifyProof(await signed({ typ: undefined }, claims()), post, fresh()),
      'invalid_dpop_proof',
      'typ',
    )
    await rejects(
      verifyProof(await signed({ typ: 'JWT' }, claims()), post, fresh()),
      'invalid_dpop_proof',
      'typ',
    )
    await rejects(
      verifyProof(await signed({ typ: 'at+jwt' }, claims()), post, fresh()),
      'invalid_dpop_proof',
      'typ',
    )
  })
  it('accepts the media type with its application/ prefix (RFC 7515 §4.1.9)', async () => {
    const proof = await signed({ typ: 'application/dpop+jwt' }, claims())
    await expect(verifyProof(proof, post, fresh())).resolves.toBeDefined()
  })
})

describe('RFC 9449 §4.3 step 5: alg is an accepted asymmetric algorithm', () => {
  it('rejects alg none', async () => {
    const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'none', jwk })).toString('base64url')
    const payload = Buffer.from(JSON.stringify(claims())).toString('base64url')
    await rejects(verifyProof(`${header}.${payload}.`, post, fresh()), 'invalid_dpop_proof', 'malformed')
    await rejects(verifyProof(`${header}.${payload}.AAAA`, post, fresh()), 'invalid_dpop_proof', 'alg')
  })
  it('rejects HS256 with a symmetric key', async () => {
    const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef')
    const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
    const h = Buffer.from(
      JSON.stringify({
        typ: 'dpop+jwt',
        alg: 'HS256',
        jwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url') },
      }),
    ).toString('base64url')
    const p = Buffer.from(JSON.stringify(claims())).toString('base64url')
    const mac = Buffer.from(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${h}.${p}`)))
    await rejects(
      verifyProof(`${h}.${p}.${mac.toString('base64url')}`, post, fresh()),
      'invalid_dpop_proof',
      'alg',
    )
  })
  it('rejects an algorithm outside the allow-list', async () => {
    const keyPair = await generateKeyPair('ES384')
    const proof = await createProof(keyPair, { htm: 'POST', htu: URL_, iat })
    await rejects(verifyProof(proof, post, fresh({ algorithms: ['ES256'] })), 'invalid_dpop_proof', 'alg')
  })
  it('rejects an invalid allow-list as a caller mistake', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    await expect(verifyProof(proof, post, fresh({ algorithms: ['HS256'] }))).rejects.toThrow(TypeError)
    await expect(verifyProof(proof, post, fresh({ algorithms: [] }))).rejects.toThrow(TypeError)
  })
  it('advertises the accepted algorithms in the resource challenge (RFC 9449 §7.1)', async () => {
    const proof = await signed({ typ: 'JWT' }, claims({ htm: 'GET' }))
    const error = await rejects(
      verifyProof(proof, request('GET', URL_), fresh({ accessToken: 'at', algorithms: ['ES256', 'EdDSA'] })),
      'invalid_dpop_proof',
      'typ',
    )
    expect(error.status).toBe(401)
    expect(error.headers['WWW-Authenticate']).toBe(
      'DPoP error="invalid_dpop_proof", error_description="DPoP proof typ must be dpop+jwt", algs="ES256 EdDSA"',
    )
  })
})

describe('RFC 9449 §4.3 step 7: jwk is a public key fitting alg', () => {
  it('rejects a jwk with private members', async () => {
    const full = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey)
    await rejects(
      verifyProof(await signed({ jwk: full }, claims()), post, fresh()),
      'invalid_dpop_proof',
      'jwk_private',
    )
  })
  it('rejects a symmetric jwk', async () => {
    const proof = await signed({ jwk: { kty: 'oct', k: 'AAAA' } }, claims())
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'jwk_symmetric')
  })
  it('rejects a missing jwk', async () => {
    await rejects(
      verifyProof(await signed({ jwk: undefined }, claims()), post, fresh()),
      'invalid_dpop_proof',
      'jwk_missing',
    )
  })
  it('rejects a jwk of another curve than alg', async () => {
    const p384 = await publicJwkOf((await generateKeyPair('ES384')).publicKey)
    await rejects(
      verifyProof(await signed({ jwk: p384 }, claims()), post, fresh()),
      'invalid_dpop_proof',
      'jwk_mismatch',
    )
  })
  it('rejects an RSA key under 2048 bits', async () => {
    const weak = (await crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair
    const weakJwk = await publicJwkOf(weak.publicKey)
    const proof = await signProof(
      { typ: 'dpop+jwt', alg: 'RS256', jwk: weakJwk },
      claims(),
      weak.privateKey,
      'RS256',
    )
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'jwk_weak')
  })
  it('rejects a jwk with malformed coordinates', async () => {
    const proof = await signed({ jwk: { ...jwk, x: 'AAAA' } }, claims())
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'jwk_invalid')
  })
  it('rejects a point that is not on the curve', async () => {
    const proof = await signed({ jwk: { ...jwk, y: jwk.x } }, claims())
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'jwk_invalid')
  })
  describe('RFC 7518 §6.3.1 and RFC 7638 §3: one key, one encoding, affordable to verify', () => {
    let rsa: CryptoKeyPair
    let rsaJwk: { kty: string; n: string; e: string }
    beforeAll(async () => {
      rsa = await generateKeyPair('RS256')
      rsaJwk = (await publicJwkOf(rsa.publicKey)) as typeof rsaJwk
    })
    // The signature is never reached: these keys must be refused before any import or RSA operation.
    const unsigned = (header: Record<string, unknown>) =>
      `${Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'RS256', ...header })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.${Buffer.alloc(256, 1).toString('base64url')}`
    const oddModulus = (bytes: number) => {
      const n = Buffer.alloc(bytes, 0xa5)
      n[0] = 0xc1
      return n.toString('base64url')
    }

    it('rejects an RSA modulus over 8192 bits (CPU cost)', async () => {
      const proof = unsigned({ jwk: { kty: 'RSA', e: 'AQAB', n: oddModulus(2048) } })
      await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'jwk_invalid')
    })
    it('rejects a huge RSA exponent (CPU cost)', async () => {
      const e = Buffer.alloc(512, 0xff).toString('base64url')
      const proof = unsigned({ jwk: { kty: 'RSA', e, n: oddModulus(1024) } })
      await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'jwk_invalid')
    })
    it('rejects RSA exponents 1 and even', async () => {
      for (const e of ['AQ', 'Ag', 'AQAA']) {
        const proof = unsigned({ jwk: { kty: 'RSA', e, n: oddModulus(256) } })
        await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'jwk_weak')
      }
    })
    it('rejects an RSA modulus with a leading zero octet (a second thumbprint for the key)', async () => {
      const padded = Buffer.concat([Buffer.alloc(1), Buffer.from(rsaJwk.n, 'base64url')]).toString(
        'base64url',
      )
      const proof = await signProof(
        { typ: 'dpop+jwt', alg: 'RS256', jwk: { ...rsaJwk, n: padded } },
        claims(),
        rsa.privateKey,
        'RS256',
      )
      await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'jwk_invalid')
    })
    it('rejects a coordinate with non-canonical trailing bits (a second thumbprint for the key)', async () => {
      const x = jwk.x as string
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      const last = alphabet.indexOf(x[x.length - 1] as string)
      const twin = `${x.slice(0, -1)}${alphabet[last ^ 1]}`
      const proof = await signed({ jwk: { ...jwk, x: twin } }, claims())
      await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'jwk_invalid')
    })
  })
  it('rejects an unencoded payload (RFC 7797 b64=false), with or without crit', async () => {
    for (const header of [{ b64: false }, { b64: false, crit: ['b64'] }, { b64: 'false' }]) {
      const error = await verifyProof(await signed(header, claims()), post, fresh()).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'invalid_dpop_proof' })
    }
    await expect(verifyProof(await signed({ b64: true }, claims()), post, fresh())).resolves.toBeDefined()
  })
  it('rejects critical header parameters it does not understand', async () => {
    const proof = await signed({ crit: ['exp'], exp: 1 }, claims())
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'crit')
  })
})

describe('RFC 9449 §4.3 step 6: the signature verifies with the embedded key', () => {
  it('rejects a tampered payload', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    const [h, , s] = proof.split('.')
    const payload = Buffer.from(JSON.stringify(claims())).toString('base64url')
    await rejects(verifyProof(`${h}.${payload}.${s}`, post, fresh()), 'invalid_dpop_proof', 'signature')
  })
  it('rejects a signature by another key than the embedded jwk', async () => {
    const proof = await signProof({ typ: 'dpop+jwt', alg: 'ES256', jwk }, claims(), other.privateKey, 'ES256')
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'signature')
  })
  it('rejects a signature of the wrong length', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    const [h, p, s] = proof.split('.') as [string, string, string]
    const short = Buffer.from(s, 'base64url').subarray(0, 63).toString('base64url')
    await rejects(verifyProof(`${h}.${p}.${short}`, post, fresh()), 'invalid_dpop_proof', 'signature')
  })
  it('rejects the signature bytes spelled with padding, whitespace or the standard alphabet (RFC 7515 §2)', async () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
      const dot = proof.lastIndexOf('.')
      const bytes = Buffer.from(proof.slice(dot + 1), 'base64url')
      const standard = bytes.toString('base64').replace(/=+$/, '')
      const spellings = [`${proof.slice(dot + 1)}==`, ` ${proof.slice(dot + 1)}`, standard]
      for (const spelled of spellings) {
        if (spelled === proof.slice(dot + 1)) continue // no + or / in this signature: try another proof
        await rejects(
          verifyProof(`${proof.slice(0, dot)}.${spelled}`, post, fresh()),
          'invalid_dpop_proof',
          'malformed',
        )
      }
      if (standard !== proof.slice(dot + 1)) return
    }
    throw new Error('no signature with + or / in 20 proofs')
  })
  it('rejects a signature with non-canonical trailing bits', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    // 64 bytes encode to 86 characters whose last one carries 4 unused bits
    const last = proof[proof.length - 1] as string
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const twin = alphabet[alphabet.indexOf(last) | 1] as string
    await rejects(verifyProof(proof.slice(0, -1) + twin, post, fresh()), 'invalid_dpop_proof', 'malformed')
  })
})

describe('RFC 9449 §4.3 step 3: required claims with their types', () => {
  it.each([
    ['jti missing', { jti: undefined }, 'jti'],
    ['jti a number', { jti: 5 }, 'jti'],
    ['jti empty', { jti: '' }, 'jti'],
    ['jti too long', { jti: 'x'.repeat(300) }, 'jti'],
    ['htm missing', { htm: undefined }, 'claims'],
    ['htm a number', { htm: 1 }, 'claims'],
    ['htu missing', { htu: undefined }, 'claims'],
    ['htu an object', { htu: {} }, 'claims'],
    ['iat missing', { iat: undefined }, 'claims'],
    ['iat a string', { iat: String(iat) }, 'claims'],
    ['nonce a number', { nonce: 1 }, 'claims'],
  ])('rejects %s', async (_, extra, reason) => {
    await rejects(verifyProof(await signed({}, claims(extra)), post, fresh()), 'invalid_dpop_proof', reason)
  })
})

describe('RFC 9449 §4.3 step 8: htm matches the request method', () => {
  it('rejects another method', async () => {
    const proof = await createProof(es256, { htm: 'GET', htu: URL_, iat })
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'htm')
  })
  it('compares methods case-sensitively (RFC 9110 §9.1)', async () => {
    const proof = await createProof(es256, { htm: 'post', htu: URL_, iat })
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'htm')
  })
})

describe('RFC 9449 §4.3 step 9: htu matches the request URL', () => {
  it.each([
    ['another path', 'https://server.example.com/other'],
    ['another host', 'https://evil.example.com/token'],
    ['another port', 'https://server.example.com:8443/token'],
    ['another scheme', 'http://server.example.com/token'],
    ['a relative URL', '/token'],
    ['a non-http scheme', 'ftp://server.example.com/token'],
  ])('rejects %s', async (_, htu) => {
    await rejects(verifyProof(await signed({}, claims({ htu })), post, fresh()), 'invalid_dpop_proof', 'htu')
  })
  it('ignores query and fragment and normalizes case and default port', async () => {
    const proof = await signed({}, claims({ htu: 'HTTPS://Server.Example.com:443/token?x=1#y' }))
    await expect(verifyProof(proof, request('POST', `${URL_}?a=b`), fresh())).resolves.toBeDefined()
  })
})

describe('RFC 9449 §4.3 step 11: iat within the acceptable window', () => {
  it('rejects a proof older than maxAge', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat: iat - 301 })
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'iat_too_old')
    const ok = await createProof(es256, { htm: 'POST', htu: URL_, iat: iat - 299 })
    await expect(verifyProof(ok, post, fresh())).resolves.toBeDefined()
  })
  it('honours a configured proof time frame', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat: iat - 61 })
    await rejects(verifyProof(proof, post, fresh({ maxAge: 60 })), 'invalid_dpop_proof', 'iat_too_old')
  })
  it('refuses a window that is not a non-negative number as a caller mistake', async () => {
    const ancient = await createProof(es256, { htm: 'POST', htu: URL_, iat: 1 })
    for (const extra of [
      { maxAge: Number.NaN },
      { clockTolerance: Number.NaN },
      { maxAge: -1 },
      { maxJtiLength: Number.NaN },
      { maxProofLength: Number.NaN },
    ]) {
      await expect(verifyProof(ancient, post, fresh(extra))).rejects.toThrow(TypeError)
    }
  })
  it('rejects a proof from the future beyond the clock tolerance', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat: iat + 6 })
    await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'iat_in_future')
    const ok = await createProof(es256, { htm: 'POST', htu: URL_, iat: iat + 4 })
    await expect(verifyProof(ok, post, fresh())).resolves.toBeDefined()
  })
})

describe('RFC 9449 §4.3 step 12 and §7.1: ath and key binding with an access token', () => {
  const get = request('GET', 'https://rs.example.com/api')
  it('accepts the right ath and thumbprint', async () => {
    const proof = await createProof(es256, {
      htm: 'GET',
      htu: 'https://rs.example.com/api',
      iat,
      accessToken: 'tok',
    })
    const result = await verifyProof(
      proof,
      get,
      fresh({ accessToken: 'tok', expectedThumbprint: await calculateJwkThumbprint(jwk) }),
    )
    expect(result.claims.ath).toBe(await calculateAccessTokenHash('tok'))
  })
  it('rejects a missing ath', async () => {
    const proof = await createProof(es256, { htm: 'GET', htu: 'https://rs.example.com/api', iat })
    const error = await rejects(
      verifyProof(proof, get, fresh({ accessToken: 'tok' })),
      'invalid_dpop_proof',
      'ath',
    )
    expect(error.status).toBe(401)
  })
  it('rejects an ath of another token', async () => {
    const proof = await createProof(es256, {
      htm: 'GET',
      htu: 'https://rs.example.com/api',
      iat,
      accessToken: 'x',
    })
    await rejects(verifyProof(proof, get, fresh({ accessToken: 'tok' })), 'invalid_dpop_proof', 'ath')
  })
  it('a remembered ath belongs to its token only: tokens alternating on one key are each checked', async () => {
    for (const [token, other] of [
      ['tok-a', 'tok-b'],
      ['tok-b', 'tok-a'],
      ['tok-a', 'tok-b'],
    ] as const) {
      const proof = await createProof(es256, {
        htm: 'GET',
        htu: 'https://rs.example.com/api',
        iat,
        accessToken: token,
      })
      await rejects(verifyProof(proof, get, fresh({ accessToken: other })), 'invalid_dpop_proof', 'ath')
      await expect(verifyProof(proof, get, fresh({ accessToken: token }))).resolves.toBeDefined()
    }
  })
  it('the returned header and jwk are frozen: later proofs with the same header share them', async () => {
    const make = () => createProof(es256, { htm: 'GET', htu: 'https://rs.example.com/api', iat })
    const first = await verifyProof(await make(), get, fresh())
    const second = await verifyProof(await make(), get, fresh())
    expect(Object.isFrozen(first.header) && Object.isFrozen(first.jwk)).toBe(true)
    expect(second.jwk).toBe(first.jwk)
    expect(() => {
      ;(first.jwk as { x?: string }).x = 'changed'
    }).toThrow(TypeError)
  })
  it('rejects a proof by another key than the token is bound to', async () => {
    const proof = await createProof(other, {
      htm: 'GET',
      htu: 'https://rs.example.com/api',
      iat,
      accessToken: 'tok',
    })
    const error = await rejects(
      verifyProof(
        proof,
        get,
        fresh({ accessToken: 'tok', expectedThumbprint: await calculateJwkThumbprint(jwk) }),
      ),
      'invalid_token',
      'jkt_mismatch',
    )
    expect(error.headers['WWW-Authenticate']).toMatch(/^DPoP error="invalid_token"/)
  })
  it('rejects a thumbprint mismatch at the token endpoint as invalid_dpop_proof', async () => {
    const proof = await createProof(other, { htm: 'POST', htu: URL_, iat })
    const error = await rejects(
      verifyProof(proof, post, fresh({ expectedThumbprint: await calculateJwkThumbprint(jwk) })),
      'invalid_dpop_proof',
      'jkt_mismatch',
    )
    expect(error.status).toBe(400)
  })
})

describe('RFC 9449 §8 and §9: server-provided nonces', () => {
  const source = createNonceSource({ secrets: [{ id: 'k1', secret: 'a'.repeat(32) }], now })
  it('checks a nonce the client sent even where the policy does not require one (§4.3 step 10)', async () => {
    const notRequired = { source, required: () => false }
    const forged = await createProof(es256, { htm: 'POST', htu: URL_, iat, nonce: 'k1.0.forged' })
    await rejects(verifyProof(forged, post, fresh({ nonce: notRequired })), 'use_dpop_nonce', 'nonce_invalid')
    const staleSource = createNonceSource({
      secrets: [{ id: 'k1', secret: 'a'.repeat(32) }],
      now: () => NOW - 3600_000,
    })
    const stale = await createProof(es256, { htm: 'POST', htu: URL_, iat, nonce: await staleSource.issue() })
    await rejects(
      verifyProof(stale, post, fresh({ nonce: { source, required: false } })),
      'use_dpop_nonce',
      'nonce_stale',
    )
    const valid = await createProof(es256, { htm: 'POST', htu: URL_, iat, nonce: await source.issue() })
    await expect(verifyProof(valid, post, fresh({ nonce: notRequired }))).resolves.toBeDefined()
  })
  it('answers a proof without nonce with use_dpop_nonce and a fresh DPoP-Nonce', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    const error = await rejects(
      verifyProof(proof, post, fresh({ nonce: { source } })),
      'use_dpop_nonce',
      'nonce_missing',
    )
    expect(error.status).toBe(400)
    const nonce = error.headers['DPoP-Nonce'] as string
    expect(await source.verify(nonce)).toMatchObject({ status: 'valid' })
    const retry = await createProof(es256, { htm: 'POST', htu: URL_, iat, nonce })
    await expect(verifyProof(retry, post, fresh({ nonce: { source } }))).resolves.toBeDefined()
  })
  it('answers at a resource with 401 and a DPoP challenge', async () => {
    const proof = await createProof(es256, { htm: 'GET', htu: URL_, iat, accessToken: 't' })
    const error = await rejects(
      verifyProof(proof, request('GET', URL_), fresh({ accessToken: 't', nonce: { source } })),
      'use_dpop_nonce',
      'nonce_missing',
    )
    expect(error.status).toBe(401)
    expect(error.headers['WWW-Authenticate']).toContain('error="use_dpop_nonce"')
    expect(error.headers['DPoP-Nonce']).toBeTruthy()
  })
  it('refuses a nonce issued for another server that shares the source, and hands out its own', async () => {
    const here = { source, server: 'resource https://api.example.com' }
    const foreign = await source.issue('authorization-server https://as.example.com')
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat, nonce: foreign })
    const error = await rejects(
      verifyProof(proof, post, fresh({ nonce: here })),
      'use_dpop_nonce',
      'nonce_invalid',
    )
    const own = error.headers['DPoP-Nonce'] as string
    expect(await source.verify(own, here.server)).toMatchObject({ status: 'valid' })
    expect(await source.verify(own)).toEqual({ status: 'invalid' })
    const retry = await createProof(es256, { htm: 'POST', htu: URL_, iat, nonce: own })
    await expect(verifyProof(retry, post, fresh({ nonce: here }))).resolves.toBeDefined()
  })
  it('rejects a forged nonce', async () => {
    const nonce = (await source.issue()).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat, nonce })
    await rejects(verifyProof(proof, post, fresh({ nonce: { source } })), 'use_dpop_nonce', 'nonce_invalid')
  })
  it('rejects a stale nonce', async () => {
    const old = createNonceSource({
      secrets: [{ id: 'k1', secret: 'a'.repeat(32) }],
      now: () => NOW - 600_000,
    })
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat, nonce: await old.issue() })
    await rejects(verifyProof(proof, post, fresh({ nonce: { source } })), 'use_dpop_nonce', 'nonce_stale')
  })
  it('applies a nonce policy per request', async () => {
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    await expect(
      verifyProof(proof, post, fresh({ nonce: { source, required: () => false } })),
    ).resolves.toBeDefined()
  })
  it('hands out a new nonce when the one used is about to expire', async () => {
    const early = createNonceSource({
      secrets: [{ id: 'k1', secret: 'a'.repeat(32) }],
      now: () => NOW - 240_000,
    })
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat, nonce: await early.issue() })
    const result = await verifyProof(proof, post, fresh({ nonce: { source } }))
    expect(result.responseHeaders['DPoP-Nonce']).toBeTruthy()
  })
})

describe('RFC 9449 §11.1: replay of a proof', () => {
  it('rejects the second use of a proof', async () => {
    const options = fresh()
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    await verifyProof(proof, post, options)
    await rejects(verifyProof(proof, post, options), 'invalid_dpop_proof', 'replay')
  })
  it('reserves only after every other check passed', async () => {
    const keys: string[] = []
    const store: ReplayStore = {
      reserve: async (key) => {
        keys.push(key)
        return true
      },
    }
    const proof = await createProof(es256, { htm: 'GET', htu: URL_, iat })
    await rejects(verifyProof(proof, post, fresh({ replayStore: store })), 'invalid_dpop_proof', 'htm')
    expect(keys).toEqual([])
  })
  it('keeps the reservation for the whole acceptance window', async () => {
    let expiresAt = 0
    const store: ReplayStore = {
      reserve: async (_, at) => {
        expiresAt = at
        return true
      },
    }
    await verifyProof(
      await createProof(es256, { htm: 'POST', htu: URL_, iat }),
      post,
      fresh({ replayStore: store }),
    )
    expect(expiresAt).toBeGreaterThanOrEqual(NOW + 300_000)
  })
  it('fails closed when the store answers anything but true', async () => {
    for (const answer of ['OK', 1, {}]) {
      const store = { reserve: async () => answer } as unknown as ReplayStore
      const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
      await rejects(verifyProof(proof, post, fresh({ replayStore: store })), 'invalid_dpop_proof', 'replay')
    }
  })
  it('fails closed with 503 when the store fails', async () => {
    const store: ReplayStore = { reserve: async () => Promise.reject(new Error('down')) }
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    const error = await rejects(
      verifyProof(proof, post, fresh({ replayStore: store })),
      'temporarily_unavailable',
      'replay_store_unavailable',
    )
    expect(error.status).toBe(503)
  })
  it("uses a store's synchronous answer when it has one, and reserve when it answers undefined", async () => {
    const calls: string[] = []
    const store = (sync: boolean | undefined): ReplayStore => ({
      reserveSync: () => {
        calls.push('sync')
        return sync
      },
      reserve: async () => {
        calls.push('async')
        return true
      },
    })
    const proof = () => createProof(es256, { htm: 'POST', htu: URL_, iat })
    await verifyProof(await proof(), post, fresh({ replayStore: store(true) }))
    expect(calls).toEqual(['sync'])
    calls.length = 0
    await verifyProof(await proof(), post, fresh({ replayStore: store(undefined) }))
    expect(calls).toEqual(['sync', 'async'])
    await rejects(
      verifyProof(await proof(), post, fresh({ replayStore: store(false) })),
      'invalid_dpop_proof',
      'replay',
    )
    for (const answer of ['OK', 1, null]) {
      const odd = { reserveSync: () => answer, reserve: async () => true } as unknown as ReplayStore
      await rejects(
        verifyProof(await proof(), post, fresh({ replayStore: odd })),
        'invalid_dpop_proof',
        'replay',
      )
    }
  })
  it('fails closed with 503 when the synchronous reservation throws', async () => {
    const store: ReplayStore = {
      reserveSync: () => {
        throw new Error('full')
      },
      reserve: async () => true,
    }
    const proof = await createProof(es256, { htm: 'POST', htu: URL_, iat })
    const error = await rejects(
      verifyProof(proof, post, fresh({ replayStore: store })),
      'temporarily_unavailable',
      'replay_store_unavailable',
    )
    expect(error.status).toBe(503)
  })
  it('uses a process-wide store by default', async () => {
    // The default store keeps real time, so this case does too.
    const proof = await createProof(es256, { htm: 'POST', htu: URL_ })
    await verifyProof(proof, post)
    await rejects(verifyProof(proof, post), 'invalid_dpop_proof', 'replay')
  })
})

describe('error hygiene', () => {
  it('never echoes claims or tokens into the error', async () => {
    const marker = 'ATTACKER<script>'
    const proof = await signed({}, claims({ htu: `https://evil.example/${marker}` }))
    const error = await rejects(verifyProof(proof, post, fresh()), 'invalid_dpop_proof', 'htu')
    expect(JSON.stringify(error.toJSON())).not.toContain('ATTACKER')
    expect(error.message).not.toContain('ATTACKER')
  })
})
