import {
  assertAlgorithms,
  DEFAULT_ALGORITHMS,
  type DPoPAlgorithm,
  isSupportedAlgorithm,
} from './algorithms.js'
import { accessTokenHash } from './calculate-access-token-hash.js'
import { isCanonicalBase64url } from './canonical-base64url.js'
import { createMemoryReplayStore } from './create-memory-replay-store.js'
import type { NonceSource } from './create-nonce-source.js'
import { DPoPError, type DPoPErrorCode, isDPoPError } from './dpop-error.js'
import { type ChallengeOptions, contextualizeError, type DPoPErrorContext } from './error-context.js'
import type { DPoPErrorReason } from './error-reasons.js'
import { type CachedKey, KeyCache } from './key-cache.js'
import { LruCache } from './lru-cache.js'
import { htuMatches } from './normalize-htu.js'
import { decodeBase64urlText, verifyJwsSignature } from './platform-crypto.js'
import { type PublicJwk, toPublicJwk } from './public-jwk.js'
import { replayKeyOf } from './replay-key.js'
import type { ReplayStore } from './replay-store.js'
import type { DPoPHttpRequest } from './request.js'
import { parseJsonObject } from './strict-json.js'

/** Server nonces a verifier asks for (RFC 9449 §8, §9). */
export interface NonceRequirement {
  /** Issues and checks the nonces, usually {@link createNonceSource}. */
  source: NonceSource
  /**
   * The identity of the server checking the proof (its role and issuer or resource identifier, such as
   * `resource https://api.example.com`), folded into every nonce it issues and checks: a nonce of another
   * server is `use_dpop_nonce` here even when both share the source (RFC 9449 §8, §9).
   */
  server?: string
  /**
   * Whether this request must carry a server nonce (RFC 9449 §8, §9): a flag, or a policy of the request.
   * @default true
   */
  required?: boolean | ((request: DPoPHttpRequest) => boolean | Promise<boolean>)
}

/** What {@link verifyProof} checks beyond the proof itself (RFC 9449 §4.3). */
export interface VerifyProofOptions {
  /** Accepted `alg` values (RFC 9449 §4.3 step 5). @default DEFAULT_ALGORITHMS (every asymmetric algorithm the runtime verifies) */
  algorithms?: readonly string[]
  /** Proof time frame: how old `iat` may be, in seconds (§4.3 step 11, §11.1). @default 300 */
  maxAge?: number
  /** How far `iat` may lie in the future, in seconds. @default 5 */
  clockTolerance?: number
  /**
   * Where `jti`s are reserved (§11.1). `false` disables replay detection (only for offline tools).
   * @default one in-memory store shared by this process
   */
  replayStore?: ReplayStore | false
  /** Server nonce source and policy (§8, §9). */
  nonce?: NonceRequirement
  /** The access token presented with the proof: `ath` is then required and checked (§4.3 step 12, §7). */
  accessToken?: string
  /** `calculateAccessTokenHash(accessToken)` when the caller already has it (saves one hash per request). */
  accessTokenHash?: string
  /** The thumbprint the key must have: the token's `cnf.jkt` or the code's `dpop_jkt` (§4.3 step 12, §7.1). */
  expectedThumbprint?: string
  /** Longest proof accepted, in characters. @default 8192 */
  maxProofLength?: number
  /** Longest `jti` accepted, in characters. @default 256 */
  maxJtiLength?: number
  /** Which error table applies. @default 'resource' when `accessToken` is given, else 'token' */
  context?: DPoPErrorContext
  /** Parameters of the resource challenge (`algs` defaults to `algorithms`). */
  challenge?: ChallengeOptions
  /** Imported keys cache. @default one cache shared by this process (1,000 keys) */
  keyCache?: KeyCache
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number
}

/** The protected header of a verified proof (RFC 9449 §4.2). */
export interface ProofHeader {
  /** Always `dpop+jwt`. */
  typ: string
  /** The signature algorithm. */
  alg: DPoPAlgorithm
  /** The public key that signed the proof. */
  jwk: PublicJwk
  [name: string]: unknown
}

/** The claims of a verified proof (RFC 9449 §4.2). */
export interface ProofClaims {
  /** The proof's unique identifier, reserved in the replay store. */
  jti: string
  /** The HTTP method of the request. */
  htm: string
  /** The request URL, without query and fragment. */
  htu: string
  /** When the proof was created, in seconds since the epoch. */
  iat: number
  /** Hash of the access token sent with the proof (base64url SHA-256). */
  ath?: string
  /** The server nonce the proof carries. */
  nonce?: string
  [name: string]: unknown
}

/** What {@link verifyProof} returns for a valid proof. */
export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof's key: compare with or store as `cnf.jkt`. */
  thumbprint: string
  /** The public key that signed the proof, with only its required members. */
  jwk: PublicJwk

  /** Shared by every proof with the same protected header, hence read-only. */
  header: Readonly<ProofHeader>
  /** The proof's claims. */
  claims: ProofClaims
  /** Headers to add to the successful response (a fresh `DPoP-Nonce` when the one used expires soon). */
  responseHeaders: Record<string, string>
}

// Allow-lists already validated, so a list passed on every request is checked once, not copied each time.
const validatedAlgorithms = new WeakSet<readonly string[]>()

function acceptedAlgorithms(algorithms: readonly string[] | undefined): readonly string[] {
  if (algorithms === undefined) return DEFAULT_ALGORITHMS as readonly string[]
  if (!validatedAlgorithms.has(algorithms)) {
    assertAlgorithms(algorithms)
    validatedAlgorithms.add(algorithms)
  }
  return algorithms
}
const defaultKeyCache = new KeyCache()

/** A protected header that passed every check that depends on nothing but itself. */
interface CheckedHeader {
  header: Record<string, unknown>
  alg: DPoPAlgorithm
  jwk: PublicJwk
  /** The imported key, and the key cache that produced it (a hit is only taken for that same cache). */
  key?: CachedKey
  keyCache?: KeyCache
  /** The header as returned to callers. */
  result?: Readonly<ProofHeader>
}

// A client sends the same protected header (typ, alg, jwk) with every proof: keyed by its exact encoded
// segment, its decoding and checks are done once. Checks that depend on options (the alg allow-list) still
// run on every call. Bounded, so a flood of distinct headers only evicts.
const checkedHeaders = new LruCache<string, CheckedHeader>(1000)
let defaultReplayStore: ReplayStore | undefined

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  const text = decodeBase64urlText(segment)
  return text === undefined ? undefined : parseJsonObject(text)
}

/** Names the real cause of an undecodable segment (padding or whitespace is not base64url, RFC 7515 §2). */
function undecodable(part: 'header' | 'payload', segment: string): string {
  return isCanonicalBase64url(segment)
    ? `DPoP proof ${part} is not a JSON object`
    : `DPoP proof ${part} segment is not base64url (RFC 7515 §2: no padding, whitespace or other characters)`
}

// A client presents one access token with many proofs: its `ath` is remembered (bounded, short tokens only).
const accessTokenHashes = new LruCache<string, string>(256)
const MAX_REMEMBERED_TOKEN_LENGTH = 4096

function assertSeconds(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`verifyProof: ${name} must be a non-negative number of seconds`)
  }
}

function assertPositiveInteger(name: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new TypeError(`verifyProof: ${name} must be a positive integer`)
  }
}

/** `ath` of the presented token (RFC 9449 §4.2): remembered, else synchronous on Node. */
function accessTokenHashOf(accessToken: string): string | Promise<string> {
  const remembered = accessTokenHashes.get(accessToken)
  if (remembered !== undefined) return remembered
  const hash = accessTokenHash(accessToken)
  if (accessToken.length <= MAX_REMEMBERED_TOKEN_LENGTH) {
    if (typeof hash === 'string') accessTokenHashes.set(accessToken, hash)
    else
      void hash.then(
        (value) => accessTokenHashes.set(accessToken, value),
        () => {},
      )
  }
  return hash
}

/** True when a header accessor's answer holds more than one value: several lines, or lines joined with ",". */
function carriesSeveral(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(',')
  if (!Array.isArray(value)) return false
  return value.length > 1 || (typeof value[0] === 'string' && value[0].includes(','))
}

function normalizeTyp(typ: unknown): string | undefined {
  if (typeof typ !== 'string') return undefined
  const lower = typ.toLowerCase()
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower
}

/**
 * Verifies a DPoP proof against the request it came with: every check of RFC 9449 §4.3 (and §7.1 when an
 * access token is presented), cheapest first, the replay reservation last. Throws a `DPoPError` whose
 * `reason` names the failed check.
 *
 * @param proof the `DPoP` header value(s) as received (`null` or `undefined` when absent); several values are
 *   rejected, and so is a request whose own `DPoP` header has several.
 */
export async function verifyProof(
  proof: string | readonly string[] | null | undefined,
  request: DPoPHttpRequest,
  options: VerifyProofOptions = {},
): Promise<VerifiedProof> {
  const algorithms = acceptedAlgorithms(options.algorithms)
  const maxAge = options.maxAge ?? 300
  const clockTolerance = options.clockTolerance ?? 5
  const maxProofLength = options.maxProofLength ?? 8192
  const maxJtiLength = options.maxJtiLength ?? 256
  // Caller mistakes: a NaN window would let every iat through, a NaN limit every length. (Plain checks, not a
  // loop over pairs: this runs on every request and should allocate nothing.)
  assertSeconds('maxAge', maxAge)
  assertSeconds('clockTolerance', clockTolerance)
  assertPositiveInteger('maxProofLength', maxProofLength)
  assertPositiveInteger('maxJtiLength', maxJtiLength)
  const context = options.context ?? (options.accessToken === undefined ? 'token' : 'resource')
  // Only an error needs the challenge parameters.
  const challengeOf = (): ChallengeOptions => ({ algs: algorithms, ...options.challenge })

  const fail = (
    code: DPoPErrorCode,
    reason: DPoPErrorReason,
    description: string,
    extra: { nonce?: string } = {},
  ) => contextualizeError(new DPoPError(code, reason, { description, ...extra }), context, challengeOf())
  const invalid = (reason: DPoPErrorReason, description: string) =>
    fail('invalid_dpop_proof', reason, description)

  // §4.3 step 1: exactly one DPoP header, in the request too, whatever the caller passed as `proof`. Node and
  // other frameworks join repeated header lines with ", ", which a compact JWS never contains.
  if (carriesSeveral(request.header('dpop'))) throw invalid('header_multiple', 'more than one DPoP header')
  // null is what Fetch's Headers.get answers for a missing header.
  if (proof === undefined || proof === null || (Array.isArray(proof) && proof.length === 0)) {
    throw invalid('missing', 'DPoP proof required')
  }
  if (typeof proof !== 'string') {
    if (!Array.isArray(proof)) throw invalid('malformed', 'DPoP proof is not a compact JWS')
    if (proof.length > 1) throw invalid('header_multiple', 'more than one DPoP header')
    proof = proof[0] as unknown as string
    // A header accessor may hand back anything: never let a non-string reach string methods.
    if (typeof proof !== 'string') throw invalid('malformed', 'DPoP proof is not a compact JWS')
  }
  if (proof.includes(',')) throw invalid('header_multiple', 'more than one DPoP header')
  if (proof.length > maxProofLength) throw invalid('too_large', 'DPoP proof too large')

  // Step 2: a well-formed compact JWS.
  const firstDot = proof.indexOf('.')
  const secondDot = proof.indexOf('.', firstDot + 1)
  if (firstDot === -1 || secondDot === -1 || proof.includes('.', secondDot + 1)) {
    throw invalid('malformed', 'DPoP proof is not a compact JWS')
  }
  const protectedSegment = proof.slice(0, firstDot)
  const payloadSegment = proof.slice(firstDot + 1, secondDot)
  const signatureSegment = proof.slice(secondDot + 1)
  if (!isCanonicalBase64url(signatureSegment)) throw invalid('malformed', 'DPoP proof is not a compact JWS')
  const checked = checkedHeaders.get(protectedSegment)
  const header = checked?.header ?? decodeSegment(protectedSegment)
  if (header === undefined) throw invalid('malformed', undecodable('header', protectedSegment))
  const claims = decodeSegment(payloadSegment)
  if (claims === undefined) throw invalid('malformed', undecodable('payload', payloadSegment))

  // Steps 4-7: typ, alg, jwk.
  let alg: DPoPAlgorithm
  let jwk: PublicJwk
  let headerEntry = checked
  if (checked !== undefined) {
    ;({ alg, jwk } = checked)
    if (!algorithms.includes(alg)) throw invalid('alg', 'DPoP proof alg is not accepted')
  } else {
    if (normalizeTyp(header.typ) !== 'dpop+jwt') throw invalid('typ', 'DPoP proof typ must be dpop+jwt')
    const headerAlg = header.alg
    // isSupportedAlgorithm too: a validated list may have been mutated by its owner since.
    if (
      typeof headerAlg !== 'string' ||
      !algorithms.includes(headerAlg) ||
      !isSupportedAlgorithm(headerAlg)
    ) {
      throw invalid('alg', 'DPoP proof alg is not accepted')
    }
    alg = headerAlg
    if (header.crit !== undefined) throw invalid('crit', 'DPoP proof uses unsupported critical parameters')
    // RFC 7797: b64=false would mean the signer signed other bytes than the ones this verifier reads.
    if (header.b64 !== undefined && header.b64 !== true) {
      throw invalid('malformed', 'DPoP proof payload encoding is not supported')
    }
    const publicJwk = toPublicJwk(header.jwk, alg)
    if (typeof publicJwk === 'string') {
      throw invalid(
        publicJwk,
        publicJwk === 'jwk_private'
          ? 'DPoP proof jwk must not be a private key'
          : 'DPoP proof jwk is not acceptable',
      )
    }
    // Shared by every later proof with this header: frozen so no caller can alter what the cache holds.
    jwk = Object.freeze(publicJwk)
    headerEntry = { header, alg, jwk }
    checkedHeaders.set(protectedSegment, headerEntry)
  }

  // Step 3: required claims and their types.
  const { jti, htm, htu, iat } = claims
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > maxJtiLength) {
    throw invalid('jti', 'DPoP proof jti missing or invalid')
  }
  if (typeof htm !== 'string') throw invalid('claims', 'DPoP proof htm missing or invalid')
  if (typeof htu !== 'string') throw invalid('claims', 'DPoP proof htu missing or invalid')
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw invalid('claims', 'DPoP proof iat missing or invalid')

  // Steps 8-9: the request it was made for. Methods are case-sensitive (RFC 9110 §9.1).
  if (htm !== request.method) throw invalid('htm', 'DPoP proof htm does not match the request method')
  if (!htuMatches(htu, request.url)) throw invalid('htu', 'DPoP proof htu does not match the request URL')

  // Step 11: freshness.
  const now = (options.now ?? Date.now)() / 1000
  if (iat < now - maxAge) throw invalid('iat_too_old', 'DPoP proof is too old')
  if (iat > now + clockTolerance) throw invalid('iat_in_future', 'DPoP proof is issued in the future')

  // Step 12 and §7.1: the access token hash.
  if (options.accessToken !== undefined) {
    if (typeof claims.ath !== 'string') throw invalid('ath', 'DPoP proof ath missing')
    let expected = options.accessTokenHash
    if (expected === undefined) {
      const hash = accessTokenHashOf(options.accessToken)
      expected = typeof hash === 'string' ? hash : await hash
    }
    if (claims.ath !== expected) {
      throw invalid('ath', 'DPoP proof ath does not match the access token')
    }
  }
  if (claims.nonce !== undefined && typeof claims.nonce !== 'string') {
    throw invalid('claims', 'DPoP proof nonce invalid')
  }

  // Step 6: the signature, with the embedded key.
  let cached: CachedKey
  let valid: boolean
  try {
    const keyCache = options.keyCache ?? defaultKeyCache
    const known = headerEntry?.keyCache === keyCache ? headerEntry.key : undefined
    if (known !== undefined) {
      cached = known
    } else {
      const entry = keyCache.get(jwk, alg)
      cached = entry instanceof Promise ? await entry : entry
      if (headerEntry !== undefined) {
        headerEntry.key = cached
        headerEntry.keyCache = keyCache
      }
    }
    // The JWS signing input (RFC 7515 §5.2) is the proof up to its second dot, as it arrived.
    const verified = verifyJwsSignature(alg, cached.key, proof, secondDot)
    valid = typeof verified === 'boolean' ? verified : await verified
  } catch (cause) {
    throw contextualizeError(
      new DPoPError('invalid_dpop_proof', 'jwk_invalid', {
        description: 'DPoP proof jwk is not acceptable',
        cause,
      }),
      context,
      challengeOf(),
    )
  }
  if (!valid) throw invalid('signature', 'DPoP proof signature is invalid')

  // Step 10 (§8, §9): the server nonce.
  // A nonce the client sends is checked even where the policy does not require one: step 10 accepts only a
  // nonce the server provided, never a forged or expired one.
  const responseHeaders: Record<string, string> = {}
  const nonceOptions = options.nonce
  if (nonceOptions !== undefined) {
    const required = nonceOptions.required ?? true
    const needed =
      claims.nonce !== undefined ||
      Boolean(typeof required === 'function' ? await required(request) : required)
    if (needed) {
      const challengeNonce = async (reason: DPoPErrorReason, description: string) =>
        fail('use_dpop_nonce', reason, description, {
          nonce: await nonceOptions.source.issue(nonceOptions.server),
        })
      if (claims.nonce === undefined) throw await challengeNonce('nonce_missing', 'DPoP nonce required')
      const result = await nonceOptions.source.verify(claims.nonce, nonceOptions.server)
      if (result.status === 'stale') throw await challengeNonce('nonce_stale', 'DPoP nonce expired')
      if (result.status !== 'valid') throw await challengeNonce('nonce_invalid', 'DPoP nonce not recognized')
      if (result.expiresSoon)
        responseHeaders['DPoP-Nonce'] = await nonceOptions.source.issue(nonceOptions.server)
    }
  }

  // Binding to the token's cnf.jkt or the code's dpop_jkt.
  if (options.expectedThumbprint !== undefined && cached.thumbprint !== options.expectedThumbprint) {
    throw fail(
      options.accessToken === undefined ? 'invalid_dpop_proof' : 'invalid_token',
      'jkt_mismatch',
      'DPoP proof key does not match the bound key',
    )
  }

  // Last, once everything else passed: the replay reservation (§11.1), for the whole acceptance window.
  if (options.replayStore === undefined) defaultReplayStore ??= createMemoryReplayStore()
  const replayStore = options.replayStore ?? (defaultReplayStore as ReplayStore)
  if (replayStore !== false) {
    const { thumbprint } = cached
    const expiresAt = (Math.max(iat, now) + maxAge + clockTolerance) * 1000
    let fresh: boolean
    try {
      // iat lets a store that forgot (restarted, flushed, failed over) refuse proofs it may have accepted.
      const answer =
        replayStore.reserveProofSync !== undefined
          ? replayStore.reserveProofSync(thumbprint, jti, expiresAt, iat * 1000)
          : replayStore.reserveSync?.(replayKeyOf(thumbprint, jti), expiresAt, iat * 1000)
      fresh =
        answer === undefined
          ? await replayStore.reserve(replayKeyOf(thumbprint, jti), expiresAt, iat * 1000)
          : answer
    } catch (cause) {
      throw contextualizeError(
        new DPoPError(
          'temporarily_unavailable',
          isDPoPError(cause) ? cause.reason : 'replay_store_unavailable',
          {
            description: 'replay protection unavailable',
            cause,
          },
        ),
        context,
        challengeOf(),
      )
    }
    // Only an explicit `true` reserves: a store answering anything else fails closed.
    if (fresh !== true) throw invalid('replay', 'DPoP proof was already used')
  }

  // Built once per checked header and shared (frozen) by every proof that carries it.
  let resultHeader = headerEntry?.result
  if (resultHeader === undefined) {
    resultHeader = Object.freeze({ ...header, typ: header.typ as string, alg, jwk })
    if (headerEntry !== undefined) headerEntry.result = resultHeader
  }
  return {
    thumbprint: cached.thumbprint,
    jwk,
    header: resultHeader,
    claims: claims as ProofClaims,
    responseHeaders,
  }
}
