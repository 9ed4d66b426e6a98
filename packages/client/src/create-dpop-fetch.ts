import { DPoPError, type DPoPErrorReason, parseAuthorization } from '@dpop/core'
import type { DPoPHandle } from './create-dpop-handle.js'
import { readChallengeAlgorithms, readDPoPError } from './read-dpop-error.js'
import { prepareRequestBody } from './request-body.js'

/** `fetch`'s own signature. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** Options of {@link createDPoPFetch}. */
export interface DPoPFetchOptions {
  /** The fetch to wrap. @default globalThis.fetch */
  fetch?: FetchFunction
  /**
   * How many bytes of a streamed request body are kept while the response is awaited, so the one retry
   * (RFC 9449 §8, §9) can send it again. A longer stream makes the retry fail with `body_not_replayable`.
   * Other body types are always replayable and never copied. @default 1048576
   */
  maxReplayBodyBytes?: number
}

// Fetch upper-cases these methods whatever their case (Fetch Standard, "normalize a method"); htm must match.
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'])

function normalizeMethod(method: string): string {
  const upper = method.toUpperCase()
  return NORMALIZED_METHODS.has(upper) ? upper : method
}

function absoluteUrl(input: RequestInfo | URL): string {
  if (typeof Request !== 'undefined' && input instanceof Request) return input.url
  const base = (globalThis as { location?: { href?: string } }).location?.href
  return new URL(String(input), base).href
}

function accessTokenOf(headers: Headers): string | undefined {
  const value = headers.get('authorization')
  if (value === null) return undefined
  let credentials: ReturnType<typeof parseAuthorization>
  try {
    credentials = parseAuthorization(value)
  } catch {
    // Not a single token68 credential (a Basic header of an odd client, …): not an access token either.
    return undefined
  }
  // RFC 9449 §7.1: a DPoP-bound access token goes with the DPoP scheme; Bearer would make it a bearer token.
  if (credentials?.scheme === 'bearer') {
    throw new TypeError('DPoP fetch: send access tokens as "Authorization: DPoP <token>", never with Bearer')
  }
  return credentials?.scheme === 'dpop' ? credentials.token : undefined
}

function failure(
  reason: DPoPErrorReason,
  response: Response,
  description: string,
  code: 'use_dpop_nonce' | 'invalid_dpop_proof' = 'use_dpop_nonce',
): DPoPError {
  const headers: Record<string, string> = {}
  for (const name of ['WWW-Authenticate', 'DPoP-Nonce']) {
    const value = response.headers.get(name)
    if (value !== null) headers[name] = value
  }
  return new DPoPError(code, reason, { status: response.status, headers, description })
}

/**
 * Wraps `fetch` so every request carries a fresh DPoP proof (RFC 9449 §4): `htm`, `htu` without query and
 * fragment, `ath` when the request has `Authorization: DPoP <token>`, and the origin's last nonce.
 * `DPoP-Nonce` is remembered from every response. On `use_dpop_nonce` the request is sent once more with a
 * new proof and the new nonce; a second `use_dpop_nonce` rejects with a `DPoPError`
 * (`reason: 'nonce_retry_exhausted'`). An `invalid_dpop_proof` whose `Date` revealed a server clock far from
 * ours is also retried, once, with `iat` on the server's clock, and one whose challenge lists `algs` without the
 * proof's algorithm is retried, once, with one of the handle's algorithms it lists (RFC 9449 §7.1).
 */
export function createDPoPFetch(handle: DPoPHandle, options: DPoPFetchOptions = {}): FetchFunction {
  const maxReplayBodyBytes = options.maxReplayBodyBytes ?? 1_048_576
  if (!(maxReplayBodyBytes >= 0))
    throw new TypeError('createDPoPFetch: maxReplayBodyBytes must be non-negative')

  return async function dpopFetch(input, init) {
    const fetchFunction = options.fetch ?? globalThis.fetch
    const isRequest = typeof Request !== 'undefined' && input instanceof Request
    const url = absoluteUrl(input)
    const method = normalizeMethod(init?.method ?? (isRequest ? input.method : 'GET'))
    const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined))
    const accessToken = accessTokenOf(headers)
    if (isRequest && input.bodyUsed) throw new TypeError('DPoP fetch: the request body was already used')
    const body = prepareRequestBody(init?.body ?? (isRequest ? input.body : null), maxReplayBodyBytes)

    const send = async (attemptBody: BodyInit | undefined) => {
      const alg = handle.algorithmFor(url)
      headers.set(
        'DPoP',
        await handle.createProof({ method, url, ...(accessToken === undefined ? {} : { accessToken }) }),
      )
      const attemptInit: RequestInit & { duplex?: 'half' } = { ...init, method, headers }
      if (attemptBody !== undefined) attemptInit.body = attemptBody
      if (body.streaming) attemptInit.duplex = 'half'
      const sentAt = handle.now()
      const response = await fetchFunction(input, attemptInit)
      const clockChanged = handle.observeResponse(response.url || url, response, sentAt)
      return { response, clockChanged, alg, error: await readDPoPError(response) }
    }

    // A resource that refused the proof's algorithm and lists others: whether the handle can sign one of them.
    const otherAlgorithm = (response: Response, used: string): boolean => {
      const algs = readChallengeAlgorithms(response)
      if (algs === undefined || algs.includes(used)) return false
      const selected = handle.selectAlgorithm(url, algs)
      return selected !== undefined && selected !== used
    }

    // Each kind of retry happens at most once: a new nonce (§8, §9), and a newly learned server clock
    // (a server may check iat before the nonce, so a skewed client can need both).
    let nonceRetried = false
    let clockRetried = false
    let algorithmRetried = false
    let attempt = await send(body.first)
    while (true) {
      const { response, error, clockChanged, alg } = attempt
      const retryForClock = error === 'invalid_dpop_proof' && clockChanged && !clockRetried
      const retryForAlgorithm =
        error === 'invalid_dpop_proof' && !retryForClock && !algorithmRetried && otherAlgorithm(response, alg)
      if (error === 'use_dpop_nonce' && nonceRetried) {
        body.release()
        throw failure(
          'nonce_retry_exhausted',
          response,
          'the server asked for a new DPoP nonce twice in a row',
        )
      }
      if (error !== 'use_dpop_nonce' && !retryForClock && !retryForAlgorithm) {
        body.release()
        return response
      }
      if (error === 'use_dpop_nonce' && !response.headers.has('dpop-nonce')) {
        body.release()
        throw failure(
          'nonce_unreadable',
          response,
          'the server asked for a DPoP nonce but sent no readable DPoP-Nonce header (cross-origin servers must list it in Access-Control-Expose-Headers)',
        )
      }
      const replay = body.replay()
      if (body.streaming && replay === undefined) {
        body.release()
        throw failure(
          'body_not_replayable',
          response,
          `the server asked for a new DPoP proof but the streamed request body (over ${maxReplayBodyBytes} bytes, or not read to its end) cannot be sent again`,
          error,
        )
      }
      if (error === 'use_dpop_nonce') nonceRetried = true
      else if (retryForClock) clockRetried = true
      else algorithmRetried = true
      await response.body?.cancel().catch(() => undefined)
      attempt = await send(replay)
    }
  }
}
