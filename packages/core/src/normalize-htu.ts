import { LruCache } from './lru-cache.js'

// Characters RFC 3986 allows in a scheme and authority; anything else (spaces, backslashes, controls) is not
// a host, and must not be "repaired" by a lenient URL parser into something that then matches.
const AUTHORITY_CHARACTERS = /^[A-Za-z0-9\-._~:/[\]@!$&'()*+,;=%]+$/
// Characters a path may carry as they are (RFC 3986 pchar and "/"); others are percent-encoded.
const NOT_PATH_CHARACTER = /[^A-Za-z0-9\-._~:/@!$&'()*+,;=%]/gu
// RFC 3986 Appendix B, restricted to URIs with an authority ("//"): scheme, authority, path.
const URI_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/
const UNRESERVED = /[A-Za-z0-9\-._~]/
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/
const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' }

function normalizePercentEncoding(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16))
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`
  })
}

/**
 * Percent-encodes (UTF-8) what RFC 3986 does not allow in a path, as servers and WHATWG serializers do with
 * a raw `|` or `{`: `/a|b` and `/a%7Cb` are one resource. Nothing else is rewritten (a backslash stays `%5C`).
 */
function encodePath(path: string): string {
  try {
    return path.replace(NOT_PATH_CHARACTER, (char) => encodeURIComponent(char))
  } catch {
    throw new TypeError('invalid path')
  }
}

/** RFC 3986 §5.2.4 remove_dot_segments. */
function removeDotSegments(path: string): string {
  const output: string[] = []
  const segments = path.split('/')
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string
    const last = i === segments.length - 1
    if (segment === '.' || segment === '..') {
      if (segment === '..' && output.length > 1) output.pop()
      // A trailing dot segment still designates a directory: keep its slash.
      if (last) output.push('')
    } else {
      output.push(segment)
    }
  }
  const joined = output.join('/')
  return joined.startsWith('/') ? joined : `/${joined}`
}

/**
 * The host as written, if it is already in the one form a WHATWG parser keeps: no IPv4 shorthand
 * (`127.1`, `0x7f.1`), no percent-encoding, no trailing dot on an IPv4 address, valid IDNA. IPv6 literals
 * come back in their canonical text form.
 */
function canonicalHost(scheme: string, host: string): string {
  let parsed: URL
  try {
    parsed = new URL(`${scheme}://${host}/`)
  } catch {
    throw new TypeError('invalid host')
  }
  const lower = host.toLowerCase()
  if (lower.startsWith('[')) return parsed.hostname
  if (parsed.hostname !== lower) throw new TypeError('host not in canonical form')
  return lower
}

/**
 * Normalizes an http(s) URL for `htu` comparison (RFC 9449 §4.3 step 9, RFC 3986 §6.2.2 and §6.2.3):
 * scheme and host lower-case, default port removed, empty path `/`, percent-encoding upper-case with
 * unreserved characters decoded, dot segments removed; query and fragment dropped.
 * Throws `TypeError` for anything that is not an absolute http or https URL with an authority (`//host`)
 * and without userinfo, or whose host a lenient parser would rewrite into another one.
 */
export function normalizeHtu(url: string): string {
  if (typeof url !== 'string') throw new TypeError('not a URI')
  // Query and fragment take no part in the comparison, so nothing in them can fail it.
  const end = url.search(/[?#]/)
  const target = end === -1 ? url : url.slice(0, end)
  const authorityEnd = target.indexOf('/', target.indexOf('//') + 2)
  const head = authorityEnd === -1 ? target : target.slice(0, authorityEnd)
  if (!AUTHORITY_CHARACTERS.test(head)) throw new TypeError('not a URI')
  const parts = URI_PARTS.exec(`${head}${encodePath(authorityEnd === -1 ? '' : target.slice(authorityEnd))}`)
  if (parts === null) throw new TypeError('not an absolute URL with an authority')
  const scheme = (parts[1] as string).toLowerCase()
  const authority = parts[2] as string
  const path = parts[3] as string
  const defaultPort = DEFAULT_PORT[scheme]
  if (defaultPort === undefined) throw new TypeError('not an http(s) URL')
  if (authority.includes('@')) throw new TypeError('URL with credentials')
  if (BAD_PERCENT.test(path)) throw new TypeError('invalid percent-encoding')
  const bracket = authority.startsWith('[') ? authority.indexOf(']') : -1
  const colon = authority.indexOf(':', bracket + 1)
  if (authority.startsWith('[') && (bracket === -1 || (colon !== -1 && colon !== bracket + 1))) {
    throw new TypeError('invalid IP literal')
  }
  if (bracket !== -1 && colon === -1 && bracket !== authority.length - 1) {
    throw new TypeError('invalid IP literal')
  }
  const host = colon === -1 ? authority : authority.slice(0, colon)
  const portText = colon === -1 ? '' : authority.slice(colon + 1)
  if (host === '') throw new TypeError('URL without host')
  if (!/^[0-9]*$/.test(portText) || Number(portText) > 65535) throw new TypeError('invalid port')
  const port = portText === '' ? defaultPort : String(Number(portText))
  const hostname = canonicalHost(scheme, host)
  return `${scheme}://${hostname}${port === defaultPort ? '' : `:${port}`}${removeDotSegments(normalizePercentEncoding(path))}`
}

// A client's htu and a resource's URL repeat on every request: remember recent normalizations (a pure function
// of the string), bounded, and only of short inputs.
const normalized = new LruCache<string, string | null>(512)

function normalizeOrNull(url: string): string | null {
  let result = normalized.get(url)
  if (result === undefined) {
    try {
      result = normalizeHtu(url)
    } catch {
      result = null
    }
    if (url.length <= 2048) normalized.set(url, result)
  }
  return result
}

/** Whether an `htu` claim designates the same resource as the request URL, by the profile of `normalizeHtu`. */
export function htuMatches(claim: string, requestUrl: string): boolean {
  if (typeof claim !== 'string' || typeof requestUrl !== 'string') return false
  const normalizedClaim = normalizeOrNull(claim)
  // The same text normalizes the same: one look-up when the client sent the URL as the server sees it.
  if (claim === requestUrl) return normalizedClaim !== null
  return normalizedClaim !== null && normalizedClaim === normalizeOrNull(requestUrl)
}
