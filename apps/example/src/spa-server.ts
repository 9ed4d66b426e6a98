import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { escapeHtml, FAVICON } from './html.js'
import type { RequestListener } from './loopback-listener.js'
import type { SpaConfig } from './spa/spa-config.js'

const ENTRY = fileURLToPath(new URL('./spa/main.ts', import.meta.url))

/** Bundles the browser app (src/spa) with @dpop/client into one ES module, in memory. */
export async function bundleSpa(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // The workspace packages' TypeScript sources, so the example starts without building them first.
    conditions: ['@dpop/source'],
    write: false,
    logLevel: 'silent',
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error('esbuild produced no bundle for the single-page app')
  return output.text
}

function indexHtml(config: SpaConfig): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DPoP example — single-page app</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<header><h1>DPoP single-page app</h1><p class="muted">public client <code>${escapeHtml(config.clientId)}</code> of <code>${escapeHtml(config.issuer)}</code> · origin <code id="origin"></code></p></header>
<main id="app"><p>Loading…</p></main>
</body>
</html>`
}

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #1d2433; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
code, pre { background: #eef1f6; border-radius: 3px; } code { padding: 0 .25rem; overflow-wrap: anywhere; }
pre { padding: .6rem; overflow-x: auto; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
button { padding: .4rem .9rem; margin: 0 .4rem .4rem 0; } .muted { color: #5b6475; }
.ok { color: #0a7a32; } .fail { color: #b00020; } .challenge { color: #8a5a00; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: .8rem; }
.card { border: 1px solid #d5dae3; border-radius: 6px; padding: .6rem .8rem; }
`

/**
 * The single-page app's own server (its origin differs from the APIs', so every API call is a real CORS
 * request): the page on `/` and `/callback`, the bundle, and `config.json` with the URLs in use.
 */
export async function createSpaServer(config: SpaConfig): Promise<RequestListener> {
  const script = await bundleSpa()
  const html = indexHtml(config)
  const json = JSON.stringify(config)
  const connect = [config.issuer, ...config.resources.map((resource) => new URL(resource.url).origin)]
  const security = {
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' ${connect.join(' ')}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  }
  const files: Record<string, [string, string]> = {
    '/': ['text/html; charset=utf-8', html],
    '/callback': ['text/html; charset=utf-8', html],
    '/app.js': ['text/javascript; charset=utf-8', script],
    '/app.css': ['text/css; charset=utf-8', CSS],
    '/config.json': ['application/json', json],
    '/favicon.svg': ['image/svg+xml', FAVICON],
  }
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://spa').pathname
    const file = files[path]
    if (file === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'Content-Type': 'text/plain', ...security }).end('not found')
      return
    }
    // The callback URL carries the code: keep it out of Referer headers.
    response.writeHead(200, { 'Content-Type': file[0], 'Referrer-Policy': 'no-referrer', ...security })
    response.end(request.method === 'HEAD' ? undefined : file[1])
  }
}
