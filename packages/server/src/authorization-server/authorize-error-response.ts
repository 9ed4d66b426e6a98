import type { DPoPHttpRequest } from '@dpop/core'
import { jsonResponse, toTokenError } from './responses.js'
import type { AuthorizationServerResponse } from './types.js'

/** The quality (`q`) the Accept header gives `type` itself (wildcards ignored), 0 when it is not listed. */
function quality(accept: string, type: string): number {
  let best = 0
  for (const range of accept.split(',')) {
    const [name = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase())
    if (name !== type) continue
    const q = parameters.find((parameter) => parameter.startsWith('q='))
    const value = q === undefined ? 1 : Number(q.slice(2))
    if (Number.isFinite(value)) best = Math.max(best, value)
  }
  return best
}

/** True when the request is a browser's page load: it asks for HTML above JSON (API clients ask for JSON or anything). */
export function prefersHtml(request: Pick<DPoPHttpRequest, 'header'>): boolean {
  const header = request.header('accept')
  const accept = typeof header === 'string' ? header : (header ?? []).join(',')
  const html = Math.max(quality(accept, 'text/html'), quality(accept, 'application/xhtml+xml'))
  return html > 0 && html > quality(accept, 'application/json')
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character)

/** What the person in front of the browser can do about each error that is never redirected. */
const EXPLANATIONS: Record<string, string> = {
  invalid_client: 'The application that sent you here is not registered with this server.',
  invalid_request:
    'The application that sent you here made a request this server cannot accept, so it cannot safely send you back to it.',
  server_error: 'Something went wrong on this server. Try again later.',
  temporarily_unavailable: 'This server is busy or temporarily unavailable. Try again later.',
}

/** A pending sign-in (`?interaction=`) that is over: nothing is wrong with the application. */
const SIGN_IN_OVER =
  'This sign-in was already completed or has expired. Go back to the application and start again.'

function htmlPage(
  status: number,
  code: string,
  description: string | undefined,
  explanation: string,
): AuthorizationServerResponse {
  const detail = description === undefined ? '' : `: ${escapeHtml(description)}`
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      Vary: 'Accept',
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in cannot continue</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d2433}code{background:#eef1f6;padding:0 .25rem;border-radius:3px}.muted{color:#5b6475}</style></head><body><h1>Sign-in cannot continue</h1><p>${explanation}</p><p class="muted">Error <code>${escapeHtml(code)}</code>${detail}. If you are the application’s developer, check its client ID and redirect URI against its registration.</p></body></html>`,
  }
}

function retryAfterOf(error: { headers: Readonly<Record<string, string>> }): Record<string, string> {
  const value = error.headers['Retry-After']
  return value === undefined ? {} : { 'Retry-After': value }
}

/**
 * An authorization error that is shown, never redirected (RFC 6749 §4.1.2.1: invalid client or redirect URI):
 * an HTML page for a browser, the JSON error object for an API client (chosen by `Accept`).
 */
export function authorizeErrorResponse(
  error: unknown,
  request: Pick<DPoPHttpRequest, 'header'>,
): AuthorizationServerResponse {
  const contextualized = toTokenError(error)
  const status = contextualized.status >= 500 ? contextualized.status : 400
  const body = contextualized.toJSON()
  if (prefersHtml(request)) {
    const explanation =
      contextualized.reason === 'interaction'
        ? SIGN_IN_OVER
        : (EXPLANATIONS[body.error] ?? EXPLANATIONS['invalid_request'] ?? '')
    const page = htmlPage(status, body.error, body.error_description, explanation)
    return { ...page, headers: { ...page.headers, ...retryAfterOf(contextualized) } }
  }
  return jsonResponse(status, body, { Vary: 'Accept', ...retryAfterOf(contextualized) })
}
