import { exportJWK, type JWK, SignJWT } from 'jose'
import type { DPoPAlgorithm } from './algorithms.js'
import { calculateAccessTokenHash } from './calculate-access-token-hash.js'
import { algorithmOfKey } from './key-algorithm.js'

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

// Exporting a public key costs more than signing with ES256: do it once per key.
const publicJwks = new WeakMap<CryptoKey, Promise<JWK>>()

async function publicJwkOf(publicKey: CryptoKey): Promise<JWK> {
  let jwk = publicJwks.get(publicKey)
  if (jwk === undefined) {
    jwk = exportJWK(publicKey).then(({ kty, crv, x, y, e, n }) => {
      const members: Record<string, string> = { kty: kty as string }
      for (const [name, value] of Object.entries({ crv, x, y, e, n }))
        if (value !== undefined) members[name] = value
      return members as JWK
    })
    publicJwks.set(publicKey, jwk)
  }
  return jwk
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
  const jwk = await publicJwkOf(keyPair.publicKey)
  const payload: Record<string, unknown> = {
    ...options.claims,
    jti: options.jti ?? randomJti(),
    htm: options.htm,
    htu,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
  }
  if (options.accessToken !== undefined) payload.ath = await calculateAccessTokenHash(options.accessToken)
  if (options.nonce !== undefined) payload.nonce = options.nonce
  return new SignJWT(payload).setProtectedHeader({ typ: 'dpop+jwt', alg, jwk }).sign(keyPair.privateKey)
}
