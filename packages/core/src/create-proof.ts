import { exportJWK } from 'jose'
import { type DPoPAlgorithm, isSupportedAlgorithm, keyFitsAlgorithm, keyTypeFor } from './algorithms.js'
import { accessTokenHash } from './calculate-access-token-hash.js'
import { algorithmOfKey } from './key-algorithm.js'
import { LruCache } from './lru-cache.js'
import {
  algorithmOfNodeKey,
  isNodeKeyObject,
  type NodeKeyObject,
  type NodeKeyObjectPair,
} from './node-key-object.js'
import { encodeBase64url, encodeTextBase64url } from './platform-crypto.js'
import { signCompact } from './sign-compact.js'
import type { WebCryptoKey } from './web-crypto-key.js'

/** What {@link createProof} puts in the proof (RFC 9449 §4.2). */
export interface CreateProofOptions {
  /** The HTTP method of the request, as sent (RFC 9449 §4.2). */
  htm: string
  /** The target URL; query and fragment are stripped. */
  htu: string
  /** The access token the request carries: adds `ath`. */
  accessToken?: string
  /** A server-provided nonce (§8, §9). */
  nonce?: string
  /** @default 128 random bits, base64url */
  jti?: string
  /** Issued-at, in seconds. @default now */
  iat?: number
  /** More claims. They cannot set `jti`, `htm`, `htu`, `iat` or `ath`; the `nonce` option wins over theirs. */
  claims?: Record<string, unknown>
  /**
   * Overrides the `alg` read from the key; must fit the key: another hash for an RSA key, `Ed25519` (RFC 9864)
   * instead of `EdDSA` for an Ed25519 key, `EdDSA` instead of `Ed448` for an Ed448 key.
   */
  alg?: DPoPAlgorithm
}

/** A Web Crypto key pair that signs proofs; the private key may be non-extractable. */
export interface DPoPKeyPair {
  /** Signs the proofs. */
  privateKey: WebCryptoKey
  /** Published in each proof's `jwk` header. */
  publicKey: WebCryptoKey
}

type SigningKey = CryptoKey | NodeKeyObject
type PublicKey = CryptoKey | NodeKeyObject

// The JWK members a proof's header carries: the public ones of RFC 7518 §6, in one fixed order.
const PUBLIC_MEMBERS = ['kty', 'crv', 'e', 'n', 'x', 'y'] as const

function encodeHeader(alg: DPoPAlgorithm, jwk: Record<string, unknown>): string {
  const members: Record<string, unknown> = {}
  for (const name of PUBLIC_MEMBERS) if (jwk[name] !== undefined) members[name] = jwk[name]
  return encodeTextBase64url(`{"typ":"dpop+jwt","alg":"${alg}","jwk":${JSON.stringify(members)}}`)
}

// The encoded protected header of each public key and alg: exporting a key costs more than an ES256
// signature, and the header never changes, so it is built once.
const encodedHeaders = new WeakMap<PublicKey, Map<DPoPAlgorithm, string | Promise<string>>>()

function encodedHeaderOf(publicKey: PublicKey, alg: DPoPAlgorithm): string | Promise<string> {
  let byAlg = encodedHeaders.get(publicKey)
  if (byAlg === undefined) {
    byAlg = new Map()
    encodedHeaders.set(publicKey, byAlg)
  }
  let encoded = byAlg.get(alg)
  if (encoded === undefined) {
    if (isNodeKeyObject(publicKey)) {
      encoded = encodeHeader(alg, publicKey.export({ format: 'jwk' }))
    } else {
      const pending = exportJWK(publicKey).then((jwk) => {
        const header = encodeHeader(alg, jwk as Record<string, unknown>)
        byAlg.set(alg, header)
        return header
      })
      // A key that cannot be exported must not stay cached as a rejection.
      pending.catch(() => byAlg.delete(alg))
      encoded = pending
    }
    byAlg.set(alg, encoded)
  }
  return encoded
}

// htu values repeat (a client calls a few endpoints): remember recent ones, bounded, short ones only.
const strippedUrls = new LruCache<string, string>(256)

function stripQueryAndFragment(htu: string): string {
  const remembered = typeof htu === 'string' ? strippedUrls.get(htu) : undefined
  if (remembered !== undefined) return remembered
  let url: URL
  try {
    url = new URL(htu)
  } catch {
    throw new TypeError('createProof: htu must be an absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError('createProof: htu must be http(s)')
  const stripped = `${url.origin}${url.pathname}`
  if (htu.length <= 2048) strippedUrls.set(htu, stripped)
  return stripped
}

// The claims the proof's own options decide: extra claims never override or inject them. (`nonce` from
// `claims` is kept when the option is absent; the option wins otherwise.)
const DPoP_CLAIMS = new Set(['jti', 'htm', 'htu', 'iat', 'ath'])
// RFC 9110 §9.1: a method is a token.
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function signingAlgorithm(key: SigningKey, requested: DPoPAlgorithm | undefined): DPoPAlgorithm {
  const derived = isNodeKeyObject(key) ? algorithmOfNodeKey(key) : algorithmOfKey(key)
  if (requested === undefined) return derived
  // Checked at run time: alg is written into the header JSON, and must be one the key can produce.
  if (!isSupportedAlgorithm(requested)) throw new TypeError('createProof: unsupported alg')
  // The key's own type: its default alg is always the one bound to its curve.
  const actual = keyTypeFor(derived)
  if (!keyFitsAlgorithm(requested, actual.kty, actual.crv)) {
    throw new TypeError('createProof: alg does not fit the key')
  }
  return requested
}

// 128-bit jtis drawn from a block of random bytes fetched at once: one call into the CSPRNG per 256 proofs.
const JTI_BYTES = 16
let randomBlock = new Uint8Array(0)
let randomOffset = 0

function randomJti(): string {
  if (randomOffset + JTI_BYTES > randomBlock.length) {
    randomBlock = crypto.getRandomValues(new Uint8Array(JTI_BYTES * 256))
    randomOffset = 0
  }
  const bytes = randomBlock.subarray(randomOffset, randomOffset + JTI_BYTES)
  randomOffset += JTI_BYTES
  return encodeBase64url(bytes)
}

/**
 * Creates a DPoP proof JWT (RFC 9449 §4.2) signed with `keyPair.privateKey`: a Web Crypto key pair, or on
 * Node a pair of `KeyObject`s.
 */
export async function createProof(
  keyPair: DPoPKeyPair | NodeKeyObjectPair,
  options: CreateProofOptions,
): Promise<string> {
  if (isNodeKeyObject(keyPair.privateKey) && keyPair.privateKey.type !== 'private') {
    throw new TypeError('createProof: privateKey must be a private key')
  }
  if (typeof options.htm !== 'string' || !METHOD.test(options.htm)) {
    throw new TypeError('createProof: htm must be an HTTP method')
  }
  const htu = stripQueryAndFragment(options.htu)
  if (options.jti !== undefined && (typeof options.jti !== 'string' || options.jti === '')) {
    throw new TypeError('createProof: jti must be a non-empty string')
  }
  if (options.nonce !== undefined && typeof options.nonce !== 'string') {
    throw new TypeError('createProof: nonce must be a string')
  }
  const alg = signingAlgorithm(keyPair.privateKey, options.alg)
  const header = encodedHeaderOf(keyPair.publicKey, alg)
  const encodedHeader = typeof header === 'string' ? header : await header
  const payload: Record<string, unknown> = {}
  if (options.claims !== undefined) {
    if (typeof options.claims !== 'object' || options.claims === null || Array.isArray(options.claims)) {
      throw new TypeError('createProof: claims must be an object')
    }
    for (const [name, value] of Object.entries(options.claims)) {
      // defineProperty: a "__proto__" member stays a member instead of replacing the prototype.
      if (!DPoP_CLAIMS.has(name)) {
        Object.defineProperty(payload, name, { value, enumerable: true, writable: true, configurable: true })
      }
    }
  }
  Object.assign(payload, {
    jti: options.jti ?? randomJti(),
    htm: options.htm,
    htu,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
  })
  if (options.accessToken !== undefined) {
    const ath = accessTokenHash(options.accessToken)
    payload.ath = typeof ath === 'string' ? ath : await ath
  }
  if (options.nonce !== undefined) payload.nonce = options.nonce
  return signCompact(alg, keyPair.privateKey, encodedHeader, JSON.stringify(payload))
}
