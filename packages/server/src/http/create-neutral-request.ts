import type { DPoPHttpRequest } from '@dpop/core'

/** Node's `IncomingHttpHeaders` (lower-case names) or anything with a Fetch-style `get()`. */
export type NeutralHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | {
      /** The value of a header, `null` when absent (the Fetch `Headers.get`). */
      get(name: string): string | null
    }

function isHeadersLike(headers: NeutralHeaders): headers is { get(name: string): string | null } {
  return typeof (headers as { get?: unknown }).get === 'function'
}

function fromHeaders(headers: NeutralHeaders, name: string): string | readonly string[] | undefined {
  if (isHeadersLike(headers)) return headers.get(name) ?? undefined
  const value = headers[name]
  if (value === undefined || typeof value === 'string') return value
  return value.length === 1 ? value[0] : value
}

/**
 * Maps a framework request to the neutral `DPoPHttpRequest`. `header()` is case-insensitive.
 *
 * Pass Node's `IncomingMessage.rawHeaders` when available: Node silently keeps only the first of several
 * `Authorization` lines and joins several `DPoP` lines with ", ". When `rawHeaders` show a header more
 * than once, `header()` returns every value as an array so the guard rejects it (RFC 9449 §4.3 step 1).
 * Nothing is copied up front: each lookup scans `rawHeaders` once and allocates only for duplicates.
 *
 * Pass `body` only as the framework already parsed it (Express `req.body`, Koa `ctx.request.body`, Fastify
 * `request.body`), never a stream: the guard refuses an `access_token` in a form body (RFC 6750 §2.2).
 */
export function createNeutralRequest<Body = never>(
  method: string,
  url: string,
  headers: NeutralHeaders,
  rawHeaders?: readonly string[],
  body?: Body,
): DPoPHttpRequest & {
  /** The body the framework parsed, as given. */
  body?: Body
} {
  return {
    method,
    url,
    ...(body === undefined ? {} : { body }),
    header(name: string) {
      const lower = name.toLowerCase()
      if (rawHeaders !== undefined) {
        let first: string | undefined
        let all: string[] | undefined
        for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
          const key = rawHeaders[index] as string
          if (key.length === lower.length && key.toLowerCase() === lower) {
            const value = rawHeaders[index + 1] as string
            if (first === undefined) first = value
            else if (all === undefined) all = [first, value]
            else all.push(value)
          }
        }
        if (all !== undefined) return all
      }
      return fromHeaders(headers, lower)
    },
  }
}
