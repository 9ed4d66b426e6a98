import { base64url, exportJWK, type JWK } from 'jose'
import type { DPoPAlgorithm } from './algorithms.js'
import { calculateAccessTokenHash } from './calculate-access-token-hash.js'
import { algorithmOfKey } from './key-algorithm.js'
import { signData } from './platform-crypto.js'

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
  /** More claims; the DPoP claims above take precedence. */
  claims?: Record<string, unknown>
  /** Overrides the `alg` read from the key (for keys whose algorithm does not fix the hash). */
  alg?: DPoPAlgorithm
}

export interface DPoPKeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
}

const encoder = new TextEncoder()

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

const encodeSegment = (json: string) => base64url.encode(encoder.encode(json))

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

function randomJti(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}

/** Creates a DPoP proof JWT (RFC 9449 §4.2) signed with `keyPair.privateKey`. */
export async function createProof(keyPair: DPoPKeyPair, options: CreateProofOptions): Promise<string> {
  if (typeof options.htm !== 'string' || options.htm === '')
    throw new TypeError('createProof: htm is required')
  const htu = stripQueryAndFragment(options.htu)
  const alg = options.alg ?? algorithmOfKey(keyPair.privateKey)
  const jwk = await encodedJwkOf(keyPair.publicKey)
  const payload: Record<string, unknown> = {
    ...options.claims,
    jti: options.jti ?? randomJti(),
    htm: options.htm,
    htu,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
  }
  if (options.accessToken !== undefined) payload.ath = await calculateAccessTokenHash(options.accessToken)
  if (options.nonce !== undefined) payload.nonce = options.nonce
  // A JWS Compact Serialization (RFC 7515 §7.1) of a JSON header and payload; the signature is Web Crypto's
  // (node:crypto's on Node) over exactly these bytes.
  const signingInput = `${encodeSegment(`{"typ":"dpop+jwt","alg":"${alg}","jwk":${jwk}}`)}.${encodeSegment(JSON.stringify(payload))}`
  const signature = await signData(alg, keyPair.privateKey, encoder.encode(signingInput))
  return `${signingInput}.${base64url.encode(signature)}`
}
