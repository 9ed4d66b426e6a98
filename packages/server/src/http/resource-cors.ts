import { type AllowedOrigins, resourceCorsHeaders } from './resource-cors-headers.js'

/** What {@link resourceCors} decided for one request. */
export interface ResourceCors {
  /** A CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`): answer 204 with `headers`. */
  preflight: boolean
  /** CORS headers for this request's response (also on errors); empty without `allowedOrigins`. */
  headers: Record<string, string>
}

/**
 * What CORS asks of a DPoP-protected resource for one request, before any credential is looked at: a
 * preflight carries no `Authorization` or `DPoP` and must be answered, not challenged.
 *
 * @param header reads a request header; an empty string counts as absent.
 */
export function resourceCors(
  method: string,
  header: (name: string) => string | undefined,
  allowedOrigins: AllowedOrigins | undefined,
): ResourceCors {
  const origin = header('origin') || undefined
  const preflight = method === 'OPTIONS' && origin !== undefined && !!header('access-control-request-method')
  const headers =
    allowedOrigins === undefined ? {} : resourceCorsHeaders(origin, allowedOrigins, { preflight })
  return { preflight, headers }
}
