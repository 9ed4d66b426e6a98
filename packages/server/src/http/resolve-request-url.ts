import { DPoPError, LruCache } from '@dpop/core'
import { assertPublicUrl } from './assert-public-url.js'

/** What {@link resolveRequestUrl} builds the request URL from. */
export interface ResolveRequestUrlInput {
  /** Origin and optional path prefix the clients address (see `assertPublicUrl`); wins over protocol and host. */
  publicUrl?: string | undefined
  /** The scheme the framework reports (`http`, `https`, with or without `:`), after its trust-proxy rules. */
  protocol: string
  /** The host the framework reports (`example.com:8443`, `[::1]:3000`), after its trust-proxy rules. */
  host: string | undefined
  /** The origin-form request target: path and optional query, starting with `/`. */
  path: string
  /**
   * Node's `rawHeaders` (name, value, name, value…). Node keeps only the first of several `Host` lines in
   * `headers`; with this list a request carrying more than one is refused (RFC 9112 §3.2).
   */
  rawHeaders?: readonly string[] | undefined
}

// ALPHA / DIGIT / "-" / "." / "_" / "~": the unreserved part of an RFC 3986 reg-name. Sub-delims and
// percent-encoding never occur in a DNS name and only widen what a forged Host header can smuggle.
const REG_NAME = /^[A-Za-z0-9._~-]{1,253}$/
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/
// A last label that URL parsers read as a number makes the whole name an IPv4 address (WHATWG URL §3.5).
const NUMERIC_LABEL = /(?:^|\.)(?:0x[0-9a-f]*|[0-9]+)\.?$/i
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/
const PORT = /^[0-9]{1,5}$/

const normalizedPublicUrls = new LruCache<string, string>(64)

function hostMalformed(): DPoPError {
  return new DPoPError('invalid_request', 'host_malformed', {
    status: 400,
    description: 'malformed Host header',
  })
}

function hasSeveralHostLines(rawHeaders: readonly string[]): boolean {
  let seen = false
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (seen) return true
      seen = true
    }
  }
  return false
}

function isIPv6Literal(literal: string): boolean {
  if (!IPV6.test(literal)) return false
  try {
    return new URL(`http://${literal}/`).hostname !== ''
  } catch {
    return false
  }
}

/** Validates one `host[:port]` and returns it with the host lower-cased. */
function checkHost(host: string): string {
  let name = host
  let port: string | undefined
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    if (end < 0) throw hostMalformed()
    name = host.slice(0, end + 1)
    const rest = host.slice(end + 1)
    if (rest !== '') {
      if (!rest.startsWith(':')) throw hostMalformed()
      port = rest.slice(1)
    }
    if (!isIPv6Literal(name)) throw hostMalformed()
  } else {
    const colon = host.indexOf(':')
    if (colon >= 0) {
      name = host.slice(0, colon)
      port = host.slice(colon + 1)
    }
    if (!REG_NAME.test(name) || name.startsWith('.') || name.includes('..')) throw hostMalformed()
    if (NUMERIC_LABEL.test(name) && !IPV4.test(name)) throw hostMalformed()
  }
  if (port !== undefined) {
    if (!PORT.test(port)) throw hostMalformed()
    const value = Number(port)
    if (value < 1 || value > 65535) throw hostMalformed()
  }
  return host.toLowerCase()
}

function checkPath(path: string): void {
  // Only origin-form (RFC 9112 §3.2.1): an absolute-form target would carry a second, unchecked authority.
  if (typeof path !== 'string' || path.charCodeAt(0) !== 47 /* / */) {
    throw new DPoPError('invalid_request', 'path_malformed', {
      status: 400,
      description: 'request target must be in origin-form',
    })
  }
}

/**
 * The absolute URL the client addressed, for `htu` checks (RFC 9449 §4.3 step 9). With `publicUrl` it is
 * that origin and prefix followed by `path`; otherwise the framework's protocol and host, validated strictly.
 *
 * The framework decides which proxies to trust (Express `req.protocol`/`req.host`, Koa `ctx.protocol`/
 * `ctx.host`, Fastify `request.protocol`/`request.host`); this function only validates and composes.
 * A forwarded host list such as `a.example, b.example` is rejected, not guessed at: the adapter must pass
 * the single host its framework picked.
 *
 * Without `publicUrl` the `Host` header names the URL, so a request with two `Host` lines is refused with
 * `host_multiple` rather than resolved to either (RFC 9112 §3.2: a server MUST answer such a request with 400).
 *
 * @throws DPoPError `invalid_request` (400) with reason `host_missing`, `host_multiple`, `host_malformed`,
 *   `protocol_malformed` or `path_malformed`.
 */
export function resolveRequestUrl(input: ResolveRequestUrlInput): string {
  const { publicUrl, path } = input
  checkPath(path)
  if (publicUrl !== undefined) {
    let base = normalizedPublicUrls.get(publicUrl)
    if (base === undefined) {
      base = assertPublicUrl(publicUrl)
      normalizedPublicUrls.set(publicUrl, base)
    }
    return base + path
  }
  const protocol = input.protocol.toLowerCase()
  let scheme: string
  if (protocol === 'https' || protocol === 'https:') scheme = 'https'
  else if (protocol === 'http' || protocol === 'http:') scheme = 'http'
  else {
    throw new DPoPError('invalid_request', 'protocol_malformed', {
      status: 400,
      description: 'unsupported request protocol',
    })
  }
  if (input.rawHeaders !== undefined && hasSeveralHostLines(input.rawHeaders)) {
    throw new DPoPError('invalid_request', 'host_multiple', {
      status: 400,
      description: 'more than one Host header',
    })
  }
  if (input.host === undefined || input.host === '') {
    throw new DPoPError('invalid_request', 'host_missing', {
      status: 400,
      description: 'Host header required',
    })
  }
  return `${scheme}://${checkHost(input.host)}${path}`
}
