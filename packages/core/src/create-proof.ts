import { exportJWK, type JWK } from 'jose'
import { type DPoPAlgorithm, isSupportedAlgorithm, keyTypeFor } from './algorithms.js'
import { calculateAccessTokenHash } from './calculate-access-token-hash.js'
import { algorithmOfKey } from './key-algorithm.js'
import { signCompact } from './sign-compact.js'

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
  /** Overrides the `alg` read from the key (for keys whose algorithm does not fix the hash); must fit the key. */
  alg?: DPoPAlgorithm
}

export interface DPoPKeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
}

// Exporting a public key costs more than signing with ES256: do it once per key.
const encodedJwks = new WeakMap<CryptoKey, Promise<string>>()

function encodedJwkOf(publicKey: CryptoKey): Promise<string> {
  let encoded = encodedJwks.get(publicKey)
  if (encoded === undefined) {
    encoded = exportJWK(publicKey).then(({ kty, crv, x, y, e, n }) => {
      const members: JWK = { kty: kty as string }
      if (crv !== undefined) members.crv = crv
      if (e !== undefined) members.e = e
      if (n !== undefined) members.n = n
      if (x !== undefined) members.x = x
      if (y !== undefined) members.y = y
      return JSON.stringify(members)
    })
    encodedJwks.set(publicKey, encoded)
  }
  return encoded
}

function stripQueryAndFragment(htu: string): string {
  let url: URL
  try {
    url = new URL(htu)
  } catch {
    throw new TypeError('createProof: htu must be an absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError('createProof: htu must be http(s)')
  return `${url.origin}${url.pathname}`
}

// The claims the proof's own options decide: extra claims never override or inject them. (`nonce` from
// `claims` is kept when the option is absent; the option wins otherwise.)
const DPoP_CLAIMS = new Set(['jti', 'htm', 'htu', 'iat', 'ath'])
// RFC 9110 §9.1: a method is a token.
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function signingAlgorithm(key: CryptoKey, requested: DPoPAlgorithm | undefined): DPoPAlgorithm {
  const derived = algorithmOfKey(key)
  if (requested === undefined) return derived
  // Checked at run time: alg is written into the header JSON, and must be one the key can produce.
  if (!isSupportedAlgorithm(requested)) throw new TypeError('createProof: unsupported alg')
  const wanted = keyTypeFor(requested)
  const actual = keyTypeFor(derived)
  if (wanted.kty !== actual.kty || wanted.crv !== actual.crv) {
    throw new TypeError('createProof: alg does not fit the key')
  }
  return requested
}

function randomJti(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}

/** Creates a DPoP proof JWT (RFC 9449 §4.2) signed with `keyPair.privateKey`. */
export async function createProof(keyPair: DPoPKeyPair, options: CreateProofOptions): Promise<string> {
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
  const jwk = await encodedJwkOf(keyPair.publicKey)
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
  if (options.accessToken !== undefined) payload.ath = await calculateAccessTokenHash(options.accessToken)
  if (options.nonce !== undefined) payload.nonce = options.nonce
  // The header is written as text: the exported jwk is encoded once per key, not on every proof.
  return signCompact(
    alg,
    keyPair.privateKey,
    `{"typ":"dpop+jwt","alg":"${alg}","jwk":${jwk}}`,
    JSON.stringify(payload),
  )
}
