/**
 * Validates a `publicUrl` option (the origin a proxy exposes, with an optional path prefix) and returns it
 * normalized: lower-case origin, no default port, prefix without a trailing slash. Call it when an adapter
 * or server is constructed: a bad value is a configuration mistake and throws `TypeError`.
 */
export function assertPublicUrl(publicUrl: string, option = 'publicUrl'): string {
  if (typeof publicUrl !== 'string')
    throw new TypeError(`${option} must be a string such as "https://api.example.com"`)
  let url: URL
  try {
    url = new URL(publicUrl)
  } catch {
    throw new TypeError(`${option} must be an absolute URL such as "https://api.example.com/prefix"`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError(`${option} must use http or https`)
  if (url.username !== '' || url.password !== '')
    throw new TypeError(`${option} must not contain user information`)
  if (url.search !== '' || url.hash !== '' || publicUrl.includes('?') || publicUrl.includes('#')) {
    throw new TypeError(
      `${option} must not contain a query or fragment: give the origin and an optional path prefix`,
    )
  }
  const prefix = url.pathname.replace(/\/+$/, '')
  return url.origin + prefix
}
