// Characters RFC 3986 allows in a URI; anything else (spaces, backslashes, controls) is not a URI at all,
// and must not be "repaired" by a lenient URL parser into something that then matches.
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/
const UNRESERVED = /[A-Za-z0-9\-._~]/

function normalizePercentEncoding(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16))
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`
  })
}

/**
 * Normalizes an http(s) URL for `htu` comparison (RFC 9449 §4.3 step 9, RFC 3986 §6.2.2 and §6.2.3):
 * scheme and host lower-case, default port removed, empty path `/`, percent-encoding upper-case with
 * unreserved characters decoded, dot segments removed; query and fragment dropped.
 * Throws `TypeError` for anything that is not an absolute http or https URL without credentials.
 */
export function normalizeHtu(url: string): string {
  if (typeof url !== 'string' || !URI_CHARACTERS.test(url)) throw new TypeError('not a URI')
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new TypeError('not an absolute URL')
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError('not an http(s) URL')
  if (parsed.username !== '' || parsed.password !== '') throw new TypeError('URL with credentials')
  if (parsed.hostname === '') throw new TypeError('URL without host')
  // URL has already lower-cased scheme and host, dropped the default port and removed dot segments.
  return `${parsed.protocol}//${parsed.host}${normalizePercentEncoding(parsed.pathname)}`
}

/** Whether an `htu` claim designates the same resource as the request URL, by the profile of `normalizeHtu`. */
export function htuMatches(claim: string, requestUrl: string): boolean {
  try {
    return normalizeHtu(claim) === normalizeHtu(requestUrl)
  } catch {
    return false
  }
}
