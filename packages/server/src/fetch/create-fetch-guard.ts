import { DPoPError } from '@dpop/core'
import { assertPublicUrl } from '../http/assert-public-url.js'
import { guardResourceRequest } from '../http/guard-resource-request.js'
import { resolveRequestUrl } from '../http/resolve-request-url.js'
import type { ResourceAdapterOptions } from '../http/resource-adapter-options.js'
import type { AuthenticateOptions, ResourceAuthentication } from '../resource-guard/authenticate-request.js'
import { createResourceGuard } from '../resource-guard/create-resource-guard.js'
import { fetchRequestHeader } from './fetch-request-header.js'
import { readBodyText } from './read-body-text.js'
import { toFetchResponse, withResponseHeaders } from './to-fetch-response.js'

/** The guard's options, plus `publicUrl` (default: the `Request`'s own URL) and `allowedOrigins`. */
export interface FetchGuardOptions extends ResourceAdapterOptions {
  /**
   * `false` lets a request that presents no credentials at all (no `Authorization` header, no `DPoP` header,
   * no `access_token` parameter) through anonymously. A request that presents any of them is checked as
   * usual and refused when they fail.
   * @default true
   */
  credentialsRequired?: boolean
  /**
   * Largest `application/x-www-form-urlencoded` body read (from a copy of the request) to refuse an
   * `access_token` sent in it (RFC 6750 §2.2); a longer form is answered 413.
   * @default 102400 (100 KiB, the limit of Express's body parsers)
   */
  formBodyLimit?: number
}

/** A request without credentials let through by `credentialsRequired: false`. */
export interface AnonymousFetchRequest {
  /** Always `true`: tells this result from a {@link ResourceAuthentication}. */
  readonly anonymous: true
  /** Headers for the route's response (CORS). */
  responseHeaders: Record<string, string>
}

/** What a guard call resolves to besides a `Response`; anonymous requests only when credentials are optional. */
export type FetchGuardResult<Optional extends boolean> = Optional extends true
  ? ResourceAuthentication | AnonymousFetchRequest
  : ResourceAuthentication

/** What a protected handler is given: `undefined` for an anonymous request when credentials are optional. */
export type FetchHandlerAuthentication<Optional extends boolean> = Optional extends true
  ? ResourceAuthentication | undefined
  : ResourceAuthentication

/** A route handler of a Web-standard runtime, given the request's authentication. */
export type FetchRouteHandler<Rest extends unknown[] = [], Optional extends boolean = false> = (
  request: Request,
  authentication: FetchHandlerAuthentication<Optional>,
  ...rest: Rest
) => Response | Promise<Response>

/**
 * A DPoP guard for Fetch `Request`s: resolves to the `Response` to send as it is (a refusal with its
 * status, `WWW-Authenticate` and JSON body, or the answer to a CORS preflight), or to the authentication,
 * whose `responseHeaders` (a fresh `DPoP-Nonce`, CORS) belong on the route's response. `Optional` is
 * `true` when the guard was made with `credentialsRequired: false`.
 * Errors other than `DPoPError` (a failing key set or introspection endpoint) reject the promise.
 */
export interface FetchGuard<Optional extends boolean = false> {
  (request: Request, options?: AuthenticateOptions): Promise<Response | FetchGuardResult<Optional>>
  /**
   * Wraps a route handler: refusals and preflights are answered without calling it, and the
   * authentication's response headers are added to what it returns. Further arguments (such as a
   * Next.js route's context) are passed through.
   */
  protect<Rest extends unknown[] = []>(
    handler: FetchRouteHandler<Rest, Optional>,
    options?: AuthenticateOptions,
  ): (request: Request, ...rest: Rest) => Promise<Response>
}

const DEFAULT_FORM_BODY_LIMIT = 102_400

function isForm(contentType: string | null): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

function formTooLarge(): DPoPError {
  return new DPoPError('invalid_request', 'parameter_too_large', {
    status: 413,
    description: 'form body too large',
  })
}

/**
 * A DPoP resource guard (RFC 9449 §7) for the Fetch API's `Request` and `Response`: Hono, Next.js route
 * handlers, Deno, Bun, Cloudflare Workers and any runtime that hands a handler a `Request`, with no
 * adapter of its own. The same checks and answers as the Express, Koa and Fastify adapters.
 *
 * The URL checked against the proof's `htu` is `request.url` (set `publicUrl` behind a proxy that
 * rewrites it). `DPoP` or `Authorization` sent twice arrives joined by a comma, and is refused as sent
 * more than once. A form body is read from a copy of the request, the route can still read it.
 *
 * @throws TypeError on invalid options, before any request.
 */
export function createFetchGuard(
  options: FetchGuardOptions & { credentialsRequired: false },
): FetchGuard<true>
export function createFetchGuard(
  options: FetchGuardOptions & { credentialsRequired?: true },
): FetchGuard<false>
export function createFetchGuard(options: FetchGuardOptions): FetchGuard<boolean>
export function createFetchGuard(options: FetchGuardOptions): FetchGuard<boolean> {
  const {
    publicUrl,
    allowedOrigins,
    credentialsRequired = true,
    formBodyLimit = DEFAULT_FORM_BODY_LIMIT,
    ...guardOptions
  } = options
  if (publicUrl !== undefined) assertPublicUrl(publicUrl)
  if (typeof credentialsRequired !== 'boolean') {
    throw new TypeError('createFetchGuard: credentialsRequired must be a boolean')
  }
  if (!Number.isSafeInteger(formBodyLimit) || formBodyLimit < 0) {
    throw new TypeError('createFetchGuard: formBodyLimit must be a non-negative integer')
  }
  const guard = createResourceGuard(guardOptions)
  const adapter = { guard, allowedOrigins, errors: 'respond' } as const

  async function authenticate(
    request: Request,
    callOptions?: AuthenticateOptions,
  ): Promise<Response | FetchGuardResult<boolean>> {
    const outcome = await guardResourceRequest(
      adapter,
      request.method,
      (name) => request.headers.get(name) ?? undefined,
      async () => {
        const target = new URL(request.url)
        const url = resolveRequestUrl({
          publicUrl,
          protocol: target.protocol,
          host: target.host,
          path: target.pathname + target.search,
        })
        let body: string | undefined
        if (isForm(request.headers.get('content-type'))) {
          body = await readBodyText(request, formBodyLimit, { clone: true })
          if (body === undefined) throw formTooLarge()
        }
        return {
          method: request.method,
          url,
          header: fetchRequestHeader(request.headers),
          ...(body === undefined ? {} : { body }),
        }
      },
      { ...callOptions, credentialsRequired },
    )
    if (outcome.type !== 'continue') {
      // errors: 'respond' here: a refusal or a preflight, never handed on.
      return toFetchResponse(outcome.type === 'respond' ? outcome.response : guard.toResponse(outcome.error))
    }
    const { authentication, headers } = outcome
    if (authentication === undefined) return { anonymous: true, responseHeaders: headers }
    return { ...authentication, responseHeaders: headers }
  }

  return Object.assign(authenticate, {
    protect<Rest extends unknown[] = []>(
      handler: FetchRouteHandler<Rest, boolean>,
      protectOptions?: AuthenticateOptions,
    ) {
      return async (request: Request, ...rest: Rest): Promise<Response> => {
        const result = await authenticate(request, protectOptions)
        if (result instanceof Response) return result
        const authentication = 'anonymous' in result ? undefined : result
        return withResponseHeaders(await handler(request, authentication, ...rest), result.responseHeaders)
      }
    },
  })
}
