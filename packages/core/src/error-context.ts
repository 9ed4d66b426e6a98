import { DPoPError, type DPoPErrorCode } from './dpop-error.js'
import { buildWWWAuthenticate } from './www-authenticate.js'

/**
 * Where an error is answered: the token endpoint (400 with a JSON body, RFC 6749 §5.2) or a protected
 * resource (401/403 with a `WWW-Authenticate` challenge, RFC 6750 §3 and RFC 9449 §7.1).
 */
export type DPoPErrorContext = 'token' | 'resource'

/** What the `WWW-Authenticate` challenge of a resource error carries (RFC 9449 §7.1, RFC 6750 §3). */
export interface ChallengeOptions {
  /** Algorithms advertised in the `algs` parameter of the DPoP challenge. */
  algs?: readonly string[]
  /** The `realm` parameter: names the protection space (RFC 9110 §11.5). */
  realm?: string

  /** RFC 9728 `resource_metadata` URL. */
  resourceMetadata?: string
  /** Scope needed, for `insufficient_scope`. */
  scope?: string
  /** Also offer a `Bearer` challenge (mixed mode). */
  bearer?: boolean
}

/** The reason of a resource request that carried no credentials: its challenge names no error (RFC 6750 §3.1). */
export const MISSING_CREDENTIALS = 'missing_credentials'

const TOKEN_STATUS: Partial<Record<DPoPErrorCode, number>> = {
  invalid_client: 401,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
}

const RESOURCE_STATUS: Partial<Record<DPoPErrorCode, number>> = {
  invalid_request: 400,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
}

/**
 * Seconds a client should wait after a 503 (RFC 9110 §10.2.3): stores and key sets that fail usually come
 * back within seconds, and a short hint keeps well-behaved clients from retrying in a tight loop.
 */
export const DEFAULT_RETRY_AFTER_SECONDS = 1

/** The HTTP status of `code` in `context`. */
export function statusFor(code: DPoPErrorCode, context: DPoPErrorContext): number {
  if (context === 'token') return TOKEN_STATUS[code] ?? 400
  return RESOURCE_STATUS[code] ?? 401
}

/**
 * Returns the error with the status and headers of `context`: the one table every server-side entry
 * point uses, so the token endpoint and every resource answer alike. A 503 carries `Retry-After`: the
 * error's own value when it has one, else `DEFAULT_RETRY_AFTER_SECONDS`.
 */
export function contextualizeError(
  error: DPoPError,
  context: DPoPErrorContext,
  challenge: ChallengeOptions = {},
): DPoPError {
  const status = statusFor(error.code, context)
  const headers: Record<string, string> = {}
  if (error.nonce !== undefined) headers['DPoP-Nonce'] = error.nonce
  if (status === 503) {
    headers['Retry-After'] = error.headers['Retry-After'] ?? String(DEFAULT_RETRY_AFTER_SECONDS)
  }
  if (context === 'resource' && status !== 500 && status !== 503) {
    const withError = error.reason !== MISSING_CREDENTIALS
    const dpop = buildWWWAuthenticate({
      ...(challenge.realm === undefined ? {} : { realm: challenge.realm }),
      ...(withError ? { error: error.code } : {}),
      ...(withError && error.description !== undefined ? { description: error.description } : {}),
      ...(error.code === 'insufficient_scope' && challenge.scope !== undefined
        ? { scope: challenge.scope }
        : {}),
      ...(challenge.resourceMetadata === undefined ? {} : { resourceMetadata: challenge.resourceMetadata }),
      ...(challenge.algs === undefined ? {} : { algs: challenge.algs }),
    })
    const bearer = challenge.bearer
      ? `, ${buildWWWAuthenticate({
          scheme: 'Bearer',
          ...(challenge.realm === undefined ? {} : { realm: challenge.realm }),
          ...(challenge.resourceMetadata === undefined
            ? {}
            : { resourceMetadata: challenge.resourceMetadata }),
        })}`
      : ''
    headers['WWW-Authenticate'] = dpop + bearer
  }
  return new DPoPError(error.code, error.reason, {
    status,
    headers,
    ...(error.description === undefined ? {} : { description: error.description }),
    ...(error.nonce === undefined ? {} : { nonce: error.nonce }),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  })
}
