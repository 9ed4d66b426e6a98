/**
 * The RFC 9728 §3.1 metadata URL of a resource identifier: the well-known path inserted between the host
 * and the resource's path (`https://api.example.com/v1` → `https://api.example.com/.well-known/oauth-protected-resource/v1`).
 */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource)
  const path = url.pathname === '/' ? '' : url.pathname
  return `${url.origin}/.well-known/oauth-protected-resource${path}${url.search}`
}
