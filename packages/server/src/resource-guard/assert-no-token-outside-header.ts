import { DPoPError, type DPoPErrorReason, type DPoPHttpRequest } from '@dpop/core'

const NAME = 'access_token'

/** `access_token`, or a bracketed form of it (`access_token[]`) that qs-style parsers turn into the same key. */
function isTokenName(name: string): boolean {
  return name === NAME || (name.startsWith(NAME) && name.charCodeAt(NAME.length) === 91) /* [ */
}

function hasTokenParameter(parameters: URLSearchParams): boolean {
  for (const name of parameters.keys()) if (isTokenName(name)) return true
  return false
}

function queryCarriesToken(url: string): boolean {
  const start = url.indexOf('?')
  if (start < 0) return false
  const end = url.indexOf('#', start)
  const query = url.slice(start + 1, end < 0 ? undefined : end)
  return query !== '' && hasTokenParameter(new URLSearchParams(query))
}

function isForm(contentType: string | readonly string[] | undefined): boolean {
  if (contentType === undefined) return false
  // Two Content-Type lines: the framework picked one of them, so treat the body as a form if either says so.
  const values = typeof contentType === 'string' ? [contentType] : contentType
  return values.some(
    (value) => value.split(';', 1)[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded',
  )
}

/** The parsed body as the framework left it: a form string, `URLSearchParams`, or a record of fields. */
function bodyCarriesToken(body: unknown): boolean {
  if (typeof body === 'string') return body !== '' && hasTokenParameter(new URLSearchParams(body))
  if (body instanceof URLSearchParams) return hasTokenParameter(body)
  if (typeof body !== 'object' || body === null || ArrayBuffer.isView(body)) return false
  for (const name of Object.keys(body)) if (isTokenName(name)) return true
  return false
}

function tokenOutsideHeader(reason: DPoPErrorReason, description: string): DPoPError {
  return new DPoPError('invalid_request', reason, { description })
}

/**
 * RFC 6750 §2 and RFC 9449 §7: a resource takes the access token in the `Authorization` header only. A
 * token in the query (§2.3) or in a form body (§2.2) is refused, alone or beside the header, so it never
 * reaches a route that might read it, and the client learns of a URL that leaks its token to logs. The
 * body is seen only when the framework parsed it (`request.body`) and the request says it is a form.
 *
 * @throws DPoPError `invalid_request` with reason `token_in_query` or `token_in_body`.
 */
export function assertNoTokenOutsideHeader(request: DPoPHttpRequest): void {
  if (queryCarriesToken(request.url)) {
    throw tokenOutsideHeader('token_in_query', 'access token must not be sent in the URI query')
  }
  const { body } = request
  if (
    body !== undefined &&
    body !== null &&
    isForm(request.header('content-type')) &&
    bodyCarriesToken(body)
  ) {
    throw tokenOutsideHeader('token_in_body', 'access token must not be sent in the request body')
  }
}
