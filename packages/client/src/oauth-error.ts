import { type DPoPErrorReason, isDPoPErrorReason } from '@dpop/core'

/** Options of the {@link OAuthError} constructor. */
export interface OAuthErrorOptions {
  /** `error_description` of the server, or a description of a check of this client. */
  description?: string
  /** `error_uri` of the server. */
  uri?: string
  /** The HTTP status of the response; absent for authorization responses and checks of this client. */
  status?: number
  /** The underlying error, for logs. */
  cause?: unknown
  /**
   * The machine reason (core's `DPoP_ERROR_REASONS`).
   * @default `error` for a check of this client, `error_response` for an error the server answered
   */
  reason?: DPoPErrorReason
}

const OAUTH_ERROR_BRAND = Symbol.for('@dpop/client.OAuthError')

/**
 * An OAuth error: one the server answered (RFC 6749 §4.1.2.1, §5.2; RFC 7009 §2.2.1) with its `error`,
 * `error_description` and status, or one this client raised on a response it will not accept:
 * `invalid_metadata`, `invalid_response`, `state_mismatch`, `issuer_mismatch`, `unexpected_token_type`,
 * `unsupported_dpop_algorithm`.
 */
export class OAuthError extends Error {
  /** Always `'OAuthError'`. */
  override readonly name = 'OAuthError'
  /** The `error` code. */
  readonly error: string
  /** The server's `error_description`, or a description of the check that failed. */
  readonly errorDescription: string | undefined
  /** The server's `error_uri`: a page about the error. */
  readonly errorUri: string | undefined
  /** The HTTP status of the response; `undefined` for authorization responses and checks of this client. */
  readonly status: number | undefined
  /** The machine reason, shared with `DPoPError` (core's `DPoP_ERROR_REASONS`): `error_response` when the server answered `error`. */
  readonly reason: DPoPErrorReason
  /** @internal Lets {@link isOAuthError} recognize instances from another copy of the package. */
  readonly [OAUTH_ERROR_BRAND] = true

  constructor(error: string, options: OAuthErrorOptions = {}) {
    super(options.description ?? error, options.cause === undefined ? undefined : { cause: options.cause })
    this.error = error
    this.errorDescription = options.description
    this.errorUri = options.uri
    this.status = options.status
    this.reason = options.reason ?? (isDPoPErrorReason(error) ? error : 'error_response')
  }
}

/** True for an `OAuthError`, also one created by another copy of this package. */
export function isOAuthError(value: unknown): value is OAuthError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[OAUTH_ERROR_BRAND] === true
  )
}

/** The `OAuthError` of a non-successful response: its JSON `error` members, or `invalid_response`. */
export async function oauthErrorOf(response: Response): Promise<OAuthError> {
  let body: unknown
  try {
    body = await response.json()
  } catch {
    body = undefined
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  const error = text(fields['error'])
  const description = text(fields['error_description'])
  const uri = text(fields['error_uri'])
  return new OAuthError(error ?? 'invalid_response', {
    reason: error === undefined ? 'invalid_response' : 'error_response',
    status: response.status,
    description: description ?? (error === undefined ? `unexpected HTTP ${response.status} response` : error),
    ...(uri === undefined ? {} : { uri }),
  })
}
