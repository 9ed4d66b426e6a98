import { type DPoPError, type DPoPHttpRequest, isDPoPError } from '@dpop/core'
import type {
  OptionalAuthenticateOptions,
  ResourceAuthentication,
} from '../resource-guard/authenticate-request.js'
import type { ResourceGuard } from '../resource-guard/create-resource-guard.js'
import type { GuardResponse } from '../resource-guard/error-to-response.js'
import type { FrameworkErrorHandling } from './framework-adapter-options.js'
import { frameworkError } from './framework-error.js'
import { resourceCors } from './resource-cors.js'
import type { AllowedOrigins } from './resource-cors-headers.js'

/** Answer with `response` (a CORS preflight's 204, or the refusal): the route is not reached. */
export interface GuardRespond {
  /** The outcome's kind. */
  readonly type: 'respond'
  /** The answer to write: status, headers (challenge, CORS) and body. */
  readonly response: GuardResponse
}

/** `errors: 'framework'`: hand `error` to the framework's error handling. */
export interface GuardFail {
  /** The outcome's kind. */
  readonly type: 'fail'
  /** The refusal, its `status` and `headers` (challenge, `DPoP-Nonce`, CORS) those of the answer. */
  readonly error: DPoPError
}

/** Go on to the route. */
export interface GuardContinue {
  /** The outcome's kind. */
  readonly type: 'continue'
  /** The authenticated request; `undefined` when it presented no credentials where they are optional. */
  readonly authentication: ResourceAuthentication | undefined
  /** Headers to set on the route's response: `DPoP-Nonce` when a fresh one is due, CORS. */
  readonly headers: Record<string, string>
}

/** What an adapter does with a request after {@link guardResourceRequest}. */
export type GuardOutcome = GuardRespond | GuardFail | GuardContinue

/** The parts of a framework adapter that decide a request's outcome. */
export interface ResourceRequestGuard {
  /** The guard that authenticates the request. */
  readonly guard: ResourceGuard
  /** Origins allowed to call the resource from a browser (CORS); none when `undefined`. */
  readonly allowedOrigins: AllowedOrigins | undefined
  /** Whether a refusal is answered (`'respond'`) or handed to the framework (`'framework'`). */
  readonly errors: FrameworkErrorHandling
}

/**
 * The one request flow of every resource adapter: a CORS preflight is answered before any credential is
 * looked at; then the request, built by `request` (inside the refusal handling: a malformed `Host` is a 400
 * like any other), is authenticated; a `DPoPError` becomes the answer or, with `errors: 'framework'`, the
 * framework's error. Any other error rejects, for the framework's own error handling.
 *
 * @param header reads a request header for CORS; an empty string counts as absent.
 */
export async function guardResourceRequest(
  adapter: ResourceRequestGuard,
  method: string,
  header: (name: string) => string | undefined,
  request: () => DPoPHttpRequest | Promise<DPoPHttpRequest>,
  options: OptionalAuthenticateOptions,
): Promise<GuardOutcome> {
  const { preflight, headers: cors } = resourceCors(method, header, adapter.allowedOrigins)
  if (preflight) return { type: 'respond', response: { status: 204, headers: cors, body: '' } }
  let authentication: ResourceAuthentication | undefined
  try {
    authentication = await adapter.guard.authenticate(await request(), options)
  } catch (error) {
    if (!isDPoPError(error)) throw error
    if (adapter.errors === 'framework') return { type: 'fail', error: frameworkError(error, cors) }
    const response = adapter.guard.toResponse(error)
    return { type: 'respond', response: { ...response, headers: { ...response.headers, ...cors } } }
  }
  return { type: 'continue', authentication, headers: { ...authentication?.responseHeaders, ...cors } }
}
