import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { TracedExchange } from './tracing-fetch.js'

/** Enough of a token or proof to recognize it, not enough to use it. */
export function abbreviate(value: string, keep = 16): string {
  return value.length > keep + 8 ? `${value.slice(0, keep)}…${value.slice(-4)}` : value
}

function shorten(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 60 ? abbreviate(value, 24) : value
  if (Array.isArray(value)) return value.map(shorten)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, member]) => [name, shorten(member)]))
  }
  return value
}

/** Short one-line JSON: long strings abbreviated, the whole cut at `limit` characters. */
export function shortJson(value: unknown, limit = 220): string {
  const text = JSON.stringify(shorten(value)) ?? 'undefined'
  return text.length > limit ? `${text.slice(0, limit)}…` : text
}

/** What a proof says, decoded (not verified): the claims a server checks. */
export function describeProof(proof: string): string {
  try {
    const header = decodeProtectedHeader(proof)
    const claims = decodeJwt(proof)
    const parts = [
      `typ=${String(header.typ)}`,
      `alg=${String(header.alg)}`,
      `htm=${String(claims['htm'])}`,
      `htu=${String(claims['htu'])}`,
      `jti=${abbreviate(String(claims['jti']), 8)}`,
      `iat=${String(claims.iat)}`,
    ]
    if (claims['ath'] !== undefined) parts.push(`ath=${abbreviate(String(claims['ath']), 8)}`)
    if (claims['nonce'] !== undefined) parts.push(`nonce=${abbreviate(String(claims['nonce']), 8)}`)
    return parts.join(' ')
  } catch {
    return '(not a JWT)'
  }
}

/** The request line, the headers that matter for DPoP, the status and a short body. */
export function formatExchange(exchange: TracedExchange): string[] {
  const lines = [`  → ${exchange.method} ${exchange.url}`]
  const authorization = exchange.requestHeaders.get('authorization')
  if (authorization !== null) {
    const [scheme = '', credentials = ''] = authorization.split(' ')
    lines.push(`    Authorization: ${scheme} ${abbreviate(credentials)}`)
  }
  const proof = exchange.requestHeaders.get('dpop')
  if (proof !== null) lines.push(`    DPoP: ${abbreviate(proof)}  { ${describeProof(proof)} }`)
  if (exchange.requestBody !== undefined) lines.push(`    ${abbreviate(exchange.requestBody, 90)}`)
  lines.push(`  ← ${exchange.status}  ${shortJson(exchange.body)}`)
  for (const name of ['WWW-Authenticate', 'DPoP-Nonce']) {
    const value = exchange.responseHeaders.get(name)
    if (value !== null) lines.push(`    ${name}: ${name === 'DPoP-Nonce' ? abbreviate(value) : value}`)
  }
  return lines
}
