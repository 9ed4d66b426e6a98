/** Browser origins allowed to call a resource: any (`'*'`), a list of exact origins, or a predicate. */
export type AllowedOrigins = '*' | readonly string[] | ((origin: string) => boolean)

/** Options of {@link resourceCorsHeaders}. */
export interface ResourceCorsOptions {
  /** Answer a preflight (`OPTIONS` with `Access-Control-Request-Method`): adds allowed methods and max age. */
  preflight?: boolean
  /** Methods allowed in a preflight answer. @default ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] */
  methods?: readonly string[]
  /** How long a browser may cache the preflight answer, in seconds. @default 600 */
  maxAge?: number
}

const DEFAULT_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE'

function isAllowed(origin: string, allowedOrigins: AllowedOrigins): boolean {
  if (allowedOrigins === '*') return true
  if (typeof allowedOrigins === 'function') return allowedOrigins(origin)
  if (Array.isArray(allowedOrigins)) return allowedOrigins.includes(origin)
  throw new TypeError('resourceCorsHeaders: allowedOrigins must be "*", an array of origins or a function')
}

/**
 * CORS headers for a DPoP-protected resource called from browsers: the client must be allowed to send
 * `Authorization` and `DPoP`, and to read `DPoP-Nonce` and `WWW-Authenticate` (RFC 9449 §8, §9), or it can
 * neither retry with a nonce nor see the challenge. `Vary: Origin` is always set since the answer depends on it.
 */
export function resourceCorsHeaders(
  origin: string | undefined,
  allowedOrigins: AllowedOrigins,
  options: ResourceCorsOptions = {},
): Record<string, string> {
  const headers: Record<string, string> = { Vary: 'Origin' }
  if (origin === undefined || origin === '' || !isAllowed(origin, allowedOrigins)) return headers
  headers['Access-Control-Allow-Origin'] = origin
  headers['Access-Control-Allow-Headers'] = 'Authorization, DPoP, Content-Type'
  headers['Access-Control-Expose-Headers'] = 'DPoP-Nonce, WWW-Authenticate'
  if (options.preflight) {
    headers['Access-Control-Allow-Methods'] = options.methods?.join(', ') ?? DEFAULT_METHODS
    headers['Access-Control-Max-Age'] = String(options.maxAge ?? 600)
  }
  return headers
}
