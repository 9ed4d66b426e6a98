import {
  algorithmOfKey,
  calculateJwkThumbprint,
  createProof,
  type DPoPAlgorithm,
  type DPoPKeyPair,
  generateKeyPair,
  type JWK,
  keyFitsAlgorithm,
  LruCache,
} from '@dpop/core'
import { exportJWK } from 'jose'
import type { DPoPKeyStore } from './key-store.js'
import { ServerClock } from './server-clock.js'

/** Options of {@link createDPoPHandle}. */
export interface DPoPHandleOptions {
  /** The key pair to sign proofs with. @default loaded from `keyStore`, else generated (non-extractable) */
  keyPair?: DPoPKeyPair
  /**
   * The algorithm every proof is signed with, exactly (`Ed25519` signs `alg: "Ed25519"`, RFC 9864), and the
   * one a generated key is made for. Without it, a generated key is ES256, and a key's own algorithm is used;
   * an Ed25519 key then signs `EdDSA`, or `Ed25519` for a server whose metadata lists it (see
   * `selectAlgorithm`). @default 'ES256' for a generated key
   */
  alg?: DPoPAlgorithm
  /** Loads the key pair, or saves a newly generated one (ignored when `keyPair` is given). */
  keyStore?: DPoPKeyStore
  /** How many origins' nonces are remembered, least recently used first out. @default 100 */
  maxNonceOrigins?: number
  /**
   * A server clock farther than this from ours, in seconds, is adopted as the proof clock: proofs are checked
   * against the server's clock (RFC 9449 §11.1), and a client whose clock is minutes off is otherwise rejected.
   * @default 30
   */
  clockSkewThreshold?: number
  /** The largest clock offset adopted, in seconds. @default 86400 */
  maxClockOffset?: number
  /** The local clock in epoch milliseconds. @default Date.now */
  now?: () => number
}

/** What a proof is for: one HTTP request (RFC 9449 §4.2). */
export interface ProofRequest {
  /** The method as sent. */
  method: string
  /** The absolute target URL; query and fragment are left out of `htu`. */
  url: string | URL
  /** The access token the request carries: adds `ath` (§7). */
  accessToken?: string
  /** A nonce to use instead of the one remembered for the URL's origin. */
  nonce?: string
}

/** The identifiers an Edwards-curve key can sign, the fully-specified one first (RFC 9864 §2). */
const EDWARDS_ALGORITHMS: Record<string, readonly DPoPAlgorithm[]> = {
  Ed25519: ['Ed25519', 'EdDSA'],
  Ed448: ['Ed448', 'EdDSA'],
}

/** One DPoP key pair with what a client learns while using it: nonces per origin and the server clock. */
export interface DPoPHandle {
  /** The key pair that signs the proofs; its private key is non-extractable unless you gave another. */
  readonly keyPair: DPoPKeyPair
  /** The algorithm proofs are signed with where no server chose another: `alg` when it was given. */
  readonly algorithm: DPoPAlgorithm
  /**
   * The algorithms this handle signs with, preferred first: only `alg` when it was given; for an Ed25519 key
   * `Ed25519` then `EdDSA`, for an Ed448 key `Ed448` then `EdDSA`; else the key's one algorithm.
   */
  readonly algorithms: readonly DPoPAlgorithm[]
  /**
   * Signs the proofs for the origin of `url` with the first of `algorithms` that `supported` lists (a
   * server's `dpop_signing_alg_values_supported`, RFC 9449 §5.1, or a challenge's `algs`, §7.1) and returns
   * it; undefined, changing nothing, when it lists none of them.
   */
  selectAlgorithm(url: string | URL, supported: readonly unknown[]): DPoPAlgorithm | undefined
  /** The algorithm of the proofs for the origin of `url`. */
  algorithmFor(url: string | URL): DPoPAlgorithm
  /** The public key as a JWK (members of RFC 7638 only). */
  readonly publicJwk: JWK
  /** The RFC 7638 thumbprint of the public key: `dpop_jkt` and the token's `cnf.jkt`. */
  readonly thumbprint: string
  /** Milliseconds added to the local clock for `iat`; 0 until a server's clock is found to differ. */
  readonly clockOffset: number
  /** The local clock, in epoch milliseconds. */
  now(): number
  /** A fresh proof (new `jti`, `iat` on the server's clock, the origin's nonce). */
  createProof(request: ProofRequest): Promise<string>
  /** The last nonce the origin of `url` gave; never one from another origin. */
  nonceFor(url: string | URL): string | undefined
  /** Keeps `nonce` for the origin of `url`, for the next proofs sent there (RFC 9449 §8, §9). */
  rememberNonce(url: string | URL, nonce: string): void

  /**
   * Learns from a response: its `DPoP-Nonce` for the origin of `url` and its `Date` for the clock.
   * `sentAt` is `now()` when the request left. Returns true when the clock offset changed.
   */
  observeResponse(url: string | URL, response: Response, sentAt: number): boolean
}

const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]+$/ // RFC 9449 §8.1: NQCHAR

function originOf(url: string | URL): string | undefined {
  try {
    const origin = new URL(url).origin
    return origin === 'null' ? undefined : origin
  } catch {
    return undefined
  }
}

async function resolveKeyPair(options: DPoPHandleOptions): Promise<DPoPKeyPair> {
  if (options.keyPair !== undefined) return options.keyPair
  const alg = options.alg ?? 'ES256'
  const store = options.keyStore
  if (store === undefined) return generateKeyPair(alg)
  const stored = await store.load()
  if (stored !== undefined && (options.alg === undefined || signsWith(stored, options.alg))) return stored
  const extractable = store.needsExtractableKey === true
  const generated = await generateKeyPair(alg, { extractable })
  await store.save(generated)
  if (!extractable) return generated
  const reloaded = await store.load()
  if (reloaded === undefined)
    throw new Error('createDPoPHandle: the key store lost the key pair it just saved')
  return reloaded
}

/** Whether a key pair can sign `alg`: its own algorithm, or another identifier of its Edwards curve. */
function signsWith(keyPair: DPoPKeyPair, alg: DPoPAlgorithm): boolean {
  if (algorithmOfKey(keyPair.privateKey) === alg) return true
  const curve = keyPair.privateKey.algorithm.name
  return EDWARDS_ALGORITHMS[curve] !== undefined && keyFitsAlgorithm(alg, 'OKP', curve)
}

/**
 * Creates a handle on one key pair: the given one, the one in `keyStore`, or a new one whose private key
 * cannot be exported.
 */
export async function createDPoPHandle(options: DPoPHandleOptions = {}): Promise<DPoPHandle> {
  const now = options.now ?? Date.now
  const threshold = options.clockSkewThreshold ?? 30
  const maximum = options.maxClockOffset ?? 86_400
  if (!(threshold >= 0) || !(maximum >= 0)) {
    throw new TypeError(
      'createDPoPHandle: clockSkewThreshold and maxClockOffset must be non-negative seconds',
    )
  }
  const nonces = new LruCache<string, string>(options.maxNonceOrigins ?? 100)
  const clock = new ServerClock(threshold * 1000, maximum * 1000)
  const keyPair = await resolveKeyPair(options)
  const keyAlgorithm = algorithmOfKey(keyPair.privateKey)
  if (options.alg !== undefined && !signsWith(keyPair, options.alg)) {
    // An RSA key may be asked for another RS/PS algorithm, as createProof allows (node:crypto signs it).
    if (!keyFitsAlgorithm(options.alg, 'RSA') || !keyFitsAlgorithm(keyAlgorithm, 'RSA')) {
      throw new TypeError('createDPoPHandle: alg does not fit the key pair')
    }
  }
  const algorithm = options.alg ?? keyAlgorithm
  const algorithms: readonly DPoPAlgorithm[] = Object.freeze(
    options.alg === undefined
      ? (EDWARDS_ALGORITHMS[keyPair.privateKey.algorithm.name] ?? [algorithm])
      : [algorithm],
  )
  // The algorithm each origin asked for (bounded like the nonces).
  const chosen = new LruCache<string, DPoPAlgorithm>(options.maxNonceOrigins ?? 100)
  const algorithmFor = (url: string | URL): DPoPAlgorithm => {
    const origin = originOf(url)
    return (origin === undefined ? undefined : chosen.get(origin)) ?? algorithm
  }
  const { kty, crv, x, y, e, n } = await exportJWK(keyPair.publicKey)
  const publicJwk = Object.fromEntries(
    Object.entries({ kty, crv, x, y, e, n }).filter(([, value]) => value !== undefined),
  ) as JWK
  const thumbprint = await calculateJwkThumbprint(publicJwk)

  const handle: DPoPHandle = {
    keyPair,
    algorithm,
    algorithms,
    selectAlgorithm(url, supported) {
      const selected = algorithms.find((alg) => supported.includes(alg))
      const origin = originOf(url)
      if (selected !== undefined && origin !== undefined) chosen.set(origin, selected)
      return selected
    },
    algorithmFor,
    publicJwk,
    thumbprint,
    get clockOffset() {
      return clock.offset
    },
    now,
    async createProof(request) {
      const url = String(request.url)
      const nonce = request.nonce ?? handle.nonceFor(url)
      return createProof(keyPair, {
        htm: request.method,
        htu: url,
        iat: Math.floor((now() + clock.offset) / 1000),
        alg: algorithmFor(url),
        ...(request.accessToken === undefined ? {} : { accessToken: request.accessToken }),
        ...(nonce === undefined ? {} : { nonce }),
      })
    },
    nonceFor(url) {
      const origin = originOf(url)
      return origin === undefined ? undefined : nonces.get(origin)
    },
    rememberNonce(url, nonce) {
      const origin = originOf(url)
      if (origin !== undefined && NONCE.test(nonce)) nonces.set(origin, nonce)
    },
    observeResponse(url, response, sentAt) {
      const nonce = response.headers.get('dpop-nonce')
      if (nonce !== null) handle.rememberNonce(url, nonce.trim())
      const date = response.headers.get('date')
      // A cached response (Age) carries the Date of when it was first produced.
      if (date === null || response.headers.has('age')) return false
      return clock.observe(date, sentAt, now())
    },
  }
  return handle
}
