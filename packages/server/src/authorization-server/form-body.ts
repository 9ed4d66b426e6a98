import { DPoPError } from '@dpop/core'
import type { AuthorizationServerRequest } from './types.js'

/** Request parameters where a repeated parameter is an error (RFC 6749 §3.1). */
export interface Parameters {
  /** The value, `undefined` when absent or empty (RFC 6749 §3.1: empty means omitted); throws on duplicates. */
  get(name: string): string | undefined
  /** Every parameter as sent, for hooks that read their own fields. */
  readonly search: URLSearchParams
}

/** Longest parameter value accepted; real values (tokens, URIs, state) are far shorter. */
export const MAX_PARAMETER_LENGTH = 4096
/**
 * Longest `token` accepted at introspection and revocation: resource servers pass on whatever a caller sent,
 * and an oversized token must read as unknown (inactive), not fail their introspection call.
 */
export const MAX_TOKEN_LENGTH = 16_384
/** Most parameters accepted in one request. */
export const MAX_PARAMETERS = 64
/** Longest form body accepted, whatever limit the adapter applies. */
export const MAX_BODY_LENGTH = 65_536

const tooLarge = () =>
  new DPoPError('invalid_request', 'parameter_too_large', {
    description: 'a request parameter or the request is too large',
  })

/**
 * Bounds the parameters up front (count, name and value lengths), so nothing oversized reaches storage,
 * hashing or a `Location` header. A parameter read more than once is an error even when a repetition is
 * empty (RFC 6749 §3.1); it is checked on read so that the authorization endpoint can redirect the error.
 */
export function toParameters(
  search: URLSearchParams,
  /** Larger limits for named parameters, e.g. a `token` to introspect that may come from another issuer. */
  maxLengths: Readonly<Record<string, number>> = {},
): Parameters {
  let count = 0
  for (const [name, value] of search) {
    const limit = Object.hasOwn(maxLengths, name) ? (maxLengths[name] as number) : MAX_PARAMETER_LENGTH
    if (++count > MAX_PARAMETERS || name.length > MAX_PARAMETER_LENGTH || value.length > limit)
      throw tooLarge()
  }
  return {
    search,
    get(name) {
      const values = search.getAll(name)
      if (values.length > 1) {
        throw new DPoPError('invalid_request', 'duplicate_parameter', {
          description: 'a request parameter was given more than once',
        })
      }
      return values[0] === '' ? undefined : values[0]
    },
  }
}

/** The body as form parameters: a string is parsed as `application/x-www-form-urlencoded`. */
export function readFormBody(body: AuthorizationServerRequest['body']): URLSearchParams {
  if (body === undefined) return new URLSearchParams()
  if (typeof body === 'string') {
    if (body.length > MAX_BODY_LENGTH) throw tooLarge()
    return new URLSearchParams(body)
  }
  if (body instanceof URLSearchParams) return new URLSearchParams(body)
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue
    if (typeof value === 'string') search.append(name, value)
    else if (Array.isArray(value)) for (const item of value) search.append(name, String(item))
    else {
      throw new DPoPError('invalid_request', 'body_malformed', {
        description: 'request body must be form parameters',
      })
    }
  }
  return search
}

/** The single value of a header, `undefined` when absent; several values are an error. */
export function singleHeader(request: AuthorizationServerRequest, name: string): string | undefined {
  const value = request.header(name)
  if (value === undefined || typeof value === 'string') return value
  if (value.length > 1) {
    throw new DPoPError('invalid_request', 'header_multiple', {
      description: 'a request header was given more than once',
    })
  }
  return value[0]
}

/**
 * Rejects a request declared as something other than form parameters (RFC 6749 §3.2), whether or not the
 * adapter handed over its body: a JSON body must not be read as parameters, nor skipped as "no body".
 */
export function assertFormContentType(request: AuthorizationServerRequest): void {
  const contentType = singleHeader(request, 'content-type')
  if (contentType === undefined) return
  if (contentType.split(';')[0]?.trim().toLowerCase() !== 'application/x-www-form-urlencoded') {
    throw new DPoPError('invalid_request', 'content_type', {
      description: 'the body must be application/x-www-form-urlencoded',
    })
  }
}
