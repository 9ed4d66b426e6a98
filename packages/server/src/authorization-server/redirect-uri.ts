const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Whether `uri` may be registered as a redirect URI: absolute, no fragment (RFC 6749 §3.1.2), https, or http
 * on a loopback host (RFC 8252 §7.3). Private-use schemes of native apps are not accepted.
 */
export function isRedirectUriAllowed(uri: unknown): uri is string {
  // Whitespace and control characters are silently dropped by URL parsing: the stored string must be exact.
  if (typeof uri !== 'string' || uri.includes('#') || /[\s\x00-\x1f\x7f]/.test(uri) || uri.length > 2048)
    return false
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return false
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
}
