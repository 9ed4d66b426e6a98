import {
  constants,
  createHash,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
  sign,
  type VerifyKeyObjectInput,
  verify,
} from 'node:crypto'

import { progress } from './watchdog.js'

export type BenchAlgorithm = 'ES256' | 'EdDSA' | 'Ed25519' | 'Ed448' | 'RS256' | 'PS256'
export const ALGORITHMS: readonly BenchAlgorithm[] = ['ES256', 'EdDSA', 'RS256', 'PS256']
/** Verification also covers RFC 9864's identifiers: an Ed25519 key signing `Ed25519`, and Ed448. */
export const VERIFICATION_ALGORITHMS: readonly BenchAlgorithm[] = [
  'ES256',
  'EdDSA',
  'Ed25519',
  'Ed448',
  'RS256',
  'PS256',
]

export const RESOURCE_URL = 'https://rs.example.com/resource'

export interface BenchKey {
  alg: BenchAlgorithm
  privateKey: KeyObject
  publicKey: KeyObject
  /** Public JWK with only the RFC 7638 members, as a client puts it in the proof header. */
  jwk: JsonWebKey
}

export function generateBenchKey(alg: BenchAlgorithm): BenchKey {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA' || alg === 'Ed25519'
        ? generateKeyPairSync('ed25519')
        : alg === 'Ed448'
          ? generateKeyPairSync('ed448')
          : generateKeyPairSync('rsa', { modulusLength: 2048 })
  const { kty, crv, x, y, n, e } = publicKey.export({ format: 'jwk' })
  const jwk = Object.fromEntries(
    Object.entries({ kty, crv, x, y, e, n }).filter(([, value]) => value !== undefined),
  ) as JsonWebKey
  return { alg, privateKey, publicKey, jwk }
}

/** `count` distinct keys (reported to the watchdog as they come: RSA key generation is slow). */
export function generateBenchKeys(alg: BenchAlgorithm, count: number): BenchKey[] {
  return Array.from({ length: count }, (_, i) => {
    if (i % 1000 === 999) progress(`generated ${i + 1} of ${count} ${alg} keys`)
    return generateBenchKey(alg)
  })
}

/** node:crypto digest and padding for each JWS algorithm (RFC 7518 §3, RFC 8037). */
function nodeParameters(alg: BenchAlgorithm): { digest: string | null; options: object } {
  switch (alg) {
    case 'ES256':
      return { digest: 'sha256', options: { dsaEncoding: 'ieee-p1363' } }
    case 'EdDSA':
    case 'Ed25519':
    case 'Ed448':
      return { digest: null, options: {} }
    case 'RS256':
      return { digest: 'sha256', options: {} }
    case 'PS256':
      return { digest: 'sha256', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } }
  }
}

export function nodeSign(key: BenchKey, data: Buffer): Buffer {
  const { digest, options } = nodeParameters(key.alg)
  return sign(digest, data, { key: key.privateKey, ...options })
}

/** The floor: synchronous node:crypto verification with an already imported key. */
export function nodeVerifier(key: BenchKey): (data: Buffer, signature: Buffer) => boolean {
  const { digest, options } = nodeParameters(key.alg)
  const input = { key: key.publicKey, ...options } as VerifyKeyObjectInput
  return (data, signature) => verify(digest, data, input, signature)
}

export function webCryptoAlgorithm(alg: BenchAlgorithm): {
  import: Parameters<SubtleCrypto['importKey']>[2]
  verify: Parameters<SubtleCrypto['verify']>[0]
} {
  switch (alg) {
    case 'ES256':
      return { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } }
    case 'EdDSA':
    case 'Ed25519':
      return { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } }
    case 'Ed448':
      return { import: { name: 'Ed448' }, verify: { name: 'Ed448' } }
    case 'RS256':
      return { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } }
    case 'PS256':
      return { import: { name: 'RSA-PSS', hash: 'SHA-256' }, verify: { name: 'RSA-PSS', saltLength: 32 } }
  }
}

export const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url')

/** RFC 9449 §4.2 `ath`: base64url SHA-256 of the access token. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url')
}

export interface ProofFixture {
  proof: string
  signingInput: Buffer
  signature: Buffer
}

export interface ProofClaimsInput {
  htm: string
  htu: string
  ath?: string
  nonce?: string
  iat?: number
}

/** A DPoP proof (RFC 9449 §4.2) built with node:crypto, with a fresh random `jti`. */
export function buildProof(key: BenchKey, claims: ProofClaimsInput): ProofFixture {
  const header = base64url(JSON.stringify({ typ: 'dpop+jwt', alg: key.alg, jwk: key.jwk }))
  const payload = base64url(
    JSON.stringify({
      jti: randomBytes(16).toString('base64url'),
      htm: claims.htm,
      htu: claims.htu,
      iat: claims.iat ?? Math.floor(Date.now() / 1000),
      ...(claims.ath === undefined ? {} : { ath: claims.ath }),
      ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
    }),
  )
  const signingInput = Buffer.from(`${header}.${payload}`)
  const signature = nodeSign(key, signingInput)
  return { proof: `${header}.${payload}.${signature.toString('base64url')}`, signingInput, signature }
}

/** `count` proofs with distinct `jti`s, signed in turn by `keys`. */
export function buildProofPool(
  keys: readonly BenchKey[],
  count: number,
  claims: ProofClaimsInput,
): ProofFixture[] {
  return Array.from({ length: count }, (_, i) => {
    if (i % 2000 === 1999) progress(`signed ${i + 1} of ${count} proofs`)
    return buildProof(keys[i % keys.length] as BenchKey, claims)
  })
}

/** An access-token-sized string (a typical RFC 9068 JWT is 600-900 characters). */
export function fakeAccessToken(): string {
  return randomBytes(540).toString('base64url')
}
