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

/** What an adapter does with a request after {@link guardResourceRequest}. */
export type GuardOutcome =
  /** Answer with `response` (a CORS preflight's 204, or the refusal): the route is not reached. */
  | { readonly type: 'respond'; readonly response: GuardResponse }
  /**
   * `errors: 'framework'`: hand `error` to the framework's error handling; its `status` and `headers`
   * (challenge, CORS) are the answer's.
   */
  | { readonly type: 'fail'; readonly error: DPoPError }
  /**
   * Go on to the route with `authentication` (`undefined`: no credentials where they are optional), and set
   * `headers` on its response (`DPoP-Nonce`, CORS).
   */
  | {
      readonly type: 'continue'
      readonly authentication: ResourceAuthentication | undefined
      readonly headers: Record<string, string>
    }

/** The parts of a framework adapter that decide a request's outcome. */
export interface ResourceRequestGuard {
  readonly guard: ResourceGuard
  readonly allowedOrigins: AllowedOrigins | undefined
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
