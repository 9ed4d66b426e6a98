const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Whether `uri` may be registered as a redirect URI: absolute, no fragment (RFC 6749 §3.1.2), https, or http
 * on a loopback host (RFC 8252 §7.3). Private-use schemes of native apps are not accepted.
 */
export function isRedirectUriAllowed(uri: unknown): uri is string {
  if (typeof uri !== 'string' || uri.includes('#')) return false
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return false
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
}
