import type { AuthorizationServerResponse } from '@dpop/server'

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character)
}

/** A key on a blue square: the tab of the example's pages. */
export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#2f5fb3"/><circle cx="12" cy="16" r="5" fill="none" stroke="#fff" stroke-width="3"/><path d="M17 16h10M23 16v4M26 16v3" stroke="#fff" stroke-width="3"/></svg>`

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem; color: #1d2433; }
  h1 { font-size: 1.4rem; } code { background: #eef1f6; padding: 0 .25rem; border-radius: 3px; overflow-wrap: anywhere; }
  label { display: block; margin: .6rem 0; } input[type=text], input[type=password] { width: 100%; padding: .4rem; }
  button { padding: .45rem 1rem; margin-right: .5rem; } .error { color: #b00020; } .muted { color: #5b6475; }
`

/** A complete HTML page: no scripts, not framable, never cached. */
export function htmlPage(
  status: number,
  title: string,
  body: string,
  headers: Record<string, string> = {},
): AuthorizationServerResponse {
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      // No form-action: Chromium applies it to the redirect after the form, which goes to the client.
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      ...headers,
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg" type="image/svg+xml"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`,
  }
}
