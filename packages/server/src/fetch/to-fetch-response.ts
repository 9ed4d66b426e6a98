/** A framework-neutral response (status, headers, serialized body) as a Fetch `Response`, headers as given. */
export function toFetchResponse(response: {
  status: number
  headers: Record<string, string>
  body: string
}): Response {
  // No body rather than '' (which Response would label text/plain); 204 and 304 must not carry one.
  const body =
    response.body === '' || response.status === 204 || response.status === 304 ? null : response.body
  return new Response(body, { status: response.status, headers: response.headers })
}

/**
 * `response` with `headers` added (a fresh `DPoP-Nonce`, CORS). Responses from `fetch()` or
 * `Response.redirect()` have immutable headers: those are copied into a new `Response` first.
 */
export function withResponseHeaders(response: Response, headers: Record<string, string>): Response {
  const names = Object.keys(headers)
  if (names.length === 0) return response
  let target = response
  try {
    for (const name of names) target.headers.set(name, headers[name] as string)
  } catch {
    target = new Response(response.body, response)
    for (const name of names) target.headers.set(name, headers[name] as string)
  }
  return target
}
