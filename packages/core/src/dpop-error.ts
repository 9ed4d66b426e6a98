import type { DPoPErrorReason } from './error-reasons.js'

/** Wire error codes of RFC 6749 §5.2, RFC 6750 §3.1, RFC 9449 §5, §7.1, §8 and §9. */
export type DPoPErrorCode =
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'invalid_token'
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'insufficient_scope'
  | 'access_denied'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'server_error'
  | 'temporarily_unavailable'

/** Options of the {@link DPoPError} constructor. */
export interface DPoPErrorOptions {
  /** A fixed, human-readable description. Never put untrusted input here. */
  description?: string
  /** HTTP status; normally filled in from the context table (see `contextualizeError`). */
  status?: number
  /** Response headers such as `WWW-Authenticate` and `DPoP-Nonce`. */
  headers?: Record<string, string>
  /** A fresh nonce to hand out with `use_dpop_nonce`. */
  nonce?: string
  /** Internal detail for logs; never serialized to the wire. */
  cause?: unknown
}

const DPoP_ERROR_BRAND = Symbol.for('@dpop/core.DPoPError')

/**
 * The one error class of the toolkit. `code` goes on the wire, `reason` is a stable machine reason
 * for logs and metrics, `status` and `headers` are ready to be written by an adapter.
 */
export class DPoPError extends Error {
  /** Always `'DPoPError'`. */
  override readonly name = 'DPoPError'
  /** The error code sent on the wire, in the `error` member of the JSON body or of the challenge. */
  readonly code: DPoPErrorCode
  /** The machine reason: a member of the documented catalogue `DPoP_ERROR_REASONS`. */
  readonly reason: DPoPErrorReason
  /** The HTTP status to answer with. @defaultValue 400 */
  readonly status: number
  /** Response headers to send with the error, such as `WWW-Authenticate`, `DPoP-Nonce` and `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>
  /** The `error_description` sent on the wire, if any: a fixed text that never contains request input. */
  readonly description: string | undefined
  /** A fresh nonce the client must use on its next request (`use_dpop_nonce`, RFC 9449 §8, §9). */
  readonly nonce: string | undefined
  /** Errors of this class are safe to show to the client (they never carry untrusted input). */
  readonly expose = true
  /** @internal Lets {@link isDPoPError} recognize instances from another copy of the package. */
  readonly [DPoP_ERROR_BRAND] = true

  constructor(code: DPoPErrorCode, reason: DPoPErrorReason, options: DPoPErrorOptions = {}) {
    super(options.description ?? code, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.reason = reason
    this.status = options.status ?? 400
    this.headers = Object.freeze({ ...options.headers })
    this.description = options.description
    this.nonce = options.nonce
  }

  /** Alias of `status` for frameworks (Koa, http-errors) that read `statusCode`. */
  get statusCode(): number {
    return this.status
  }

  /** The JSON body of RFC 6749 §5.2 / RFC 6750 §3. */
  toJSON(): {
    /** {@link DPoPError.code}. */
    error: DPoPErrorCode
    /** {@link DPoPError.description}, when there is one. */
    error_description?: string
  } {
    return this.description === undefined
      ? { error: this.code }
      : { error: this.code, error_description: this.description }
  }
}

/** True for a `DPoPError`, also one created by another copy of this package. */
export function isDPoPError(value: unknown): value is DPoPError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[DPoP_ERROR_BRAND] === true
  )
}
