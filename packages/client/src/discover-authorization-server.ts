import type { AuthorizationServerMetadata } from './authorization-server-metadata.js'
import type { FetchFunction } from './create-dpop-fetch.js'
import { OAuthError } from './oauth-error.js'

/** Options of {@link discoverAuthorizationServer}. */
export interface DiscoverAuthorizationServerOptions {
  /** The fetch that reads the metadata. @default globalThis.fetch */
  fetch?: FetchFunction
  /** Aborts the metadata request. */
  signal?: AbortSignal
}

const ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'pushed_authorization_request_endpoint',
  'revocation_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
] as const

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
function wellKnownUrls(issuer: URL): string[] {
  const path = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '')
  return [
    `${issuer.origin}/.well-known/oauth-authorization-server${path}`,
    // OpenID Connect Discovery 1.0 §4 appends it to the issuer instead; many servers only serve this one.
    `${issuer.origin}${path}/.well-known/openid-configuration`,
  ]
}

function invalid(description: string): OAuthError {
  return new OAuthError('invalid_metadata', { description })
}

function validate(body: unknown, issuer: string): AuthorizationServerMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('metadata is not a JSON object')
  const metadata = body as AuthorizationServerMetadata
  // RFC 8414 §3.3: the issuer must be identical to the one the metadata was requested for (mix-up defense).
  if (metadata.issuer !== issuer) throw invalid('metadata issuer does not match the configured issuer')
  for (const name of ENDPOINTS) {
    const value = metadata[name]
    if (value === undefined) continue
    if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      throw invalid(`metadata ${name} is not an http(s) URL`)
    }
  }
  return metadata
}

/**
 * Fetches and validates authorization server metadata (RFC 8414): the RFC 8414 location first, then the
 * OpenID Connect one. Rejects with `OAuthError('invalid_metadata')` when the `issuer` differs.
 */
export async function discoverAuthorizationServer(
  issuer: string,
  options: DiscoverAuthorizationServerOptions = {},
): Promise<AuthorizationServerMetadata> {
  if (!URL.canParse(issuer))
    throw new TypeError('discoverAuthorizationServer: issuer must be an absolute URL')
  const issuerUrl = new URL(issuer)
  if (issuerUrl.search !== '' || issuerUrl.hash !== '') {
    throw new TypeError('discoverAuthorizationServer: an issuer has no query or fragment (RFC 8414 §2)')
  }
  const fetchFunction = options.fetch ?? globalThis.fetch
  let lastStatus = 0
  for (const url of wellKnownUrls(issuerUrl)) {
    const response = await fetchFunction(url, {
      headers: { Accept: 'application/json' },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    if (!response.ok) {
      lastStatus = response.status
      await response.body?.cancel().catch(() => undefined)
      continue
    }
    let body: unknown
    try {
      body = await response.json()
    } catch (cause) {
      throw new OAuthError('invalid_metadata', { description: 'metadata is not JSON', cause })
    }
    return validate(body, issuer)
  }
  throw new OAuthError('invalid_metadata', {
    description: `no authorization server metadata found (HTTP ${lastStatus})`,
    status: lastStatus,
  })
}
