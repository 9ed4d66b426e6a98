import {
  type AllowedOrigins,
  createNeutralRequest,
  createResourceGuard,
  errorToResponse,
  type OptionalAuthenticateOptions,
  type ResourceGuardOptions,
  resourceCorsHeaders,
} from '@dpop/server'

export interface ExpectedResponse {
  status: number
  /** Lower-case names. */
  headers: Record<string, string>
  body: string
}

export interface ReferenceRoute {
  guard: ResourceGuardOptions
  allowedOrigins?: AllowedOrigins
  /** Per-route options: more scopes, or `credentialsRequired: false`. */
  authenticate?: Partial<OptionalAuthenticateOptions>
}

export interface ReferenceRequest {
  method: string
  /** The URL the client addressed. */
  url: string
  headers: Record<string, string | readonly string[]>
  /** The raw body, as a framework's form parser would have read it. */
  body?: string
  /** Requests the same guard saw before (a replayed proof is only a replay the second time). */
  before?: ReadonlyArray<Omit<ReferenceRequest, 'before'>>
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}

function corsOf(route: ReferenceRoute, headers: ReferenceRequest['headers']): Record<string, string> {
  const origin = headers.origin
  if (route.allowedOrigins === undefined) return {}
  return resourceCorsHeaders(typeof origin === 'string' ? origin : undefined, route.allowedOrigins)
}

/**
 * What every adapter must answer: the framework-neutral guard's own result for the same request, rendered
 * with `toResponse` and CORS headers. A success is the conformance route's JSON `{ sub, scheme, thumbprint }`.
 */
export async function referenceResponse(
  route: ReferenceRoute,
  request: ReferenceRequest,
): Promise<ExpectedResponse> {
  const guard = createResourceGuard(route.guard)
  const run = (sent: Omit<ReferenceRequest, 'before'>) =>
    guard.authenticate(createNeutralRequest(sent.method, sent.url, sent.headers, undefined, sent.body), {
      credentialsRequired: true,
      ...route.authenticate,
    })
  for (const earlier of request.before ?? []) await run(earlier)
  try {
    // An anonymous request (`credentialsRequired: false`) has no result: the route answers `{}`.
    const result = await run(request)
    return {
      status: 200,
      headers: lowerCase({
        ...result?.responseHeaders,
        ...corsOf(route, request.headers),
        'Content-Type': 'application/json; charset=utf-8',
      }),
      body: JSON.stringify({
        sub: result?.claims.sub,
        scheme: result?.scheme,
        thumbprint: result?.thumbprint,
      }),
    }
  } catch (error) {
    return renderError(error, corsOf(route, request.headers))
  }
}

/** A `DPoPError` as every adapter renders it. */
export function renderError(error: unknown, extraHeaders: Record<string, string> = {}): ExpectedResponse {
  const response = errorToResponse(error)
  return {
    status: response.status,
    headers: lowerCase({ ...response.headers, ...extraHeaders }),
    body: response.body,
  }
}

/** The answer to a CORS preflight on a protected route. */
export function preflightResponse(route: ReferenceRoute, origin: string): ExpectedResponse {
  const headers = resourceCorsHeaders(origin, route.allowedOrigins ?? [], { preflight: true })
  return { status: 204, headers: lowerCase(headers), body: '' }
}
