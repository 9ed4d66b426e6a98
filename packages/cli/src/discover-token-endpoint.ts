import type { FetchFunction } from '@dpop/client'
import { CommandFailure } from './command-failure.js'
import { readJson, sendRequest } from './send-request.js'

/** The RFC 8414 members `dpop token` reads. */
export interface TokenEndpointMetadata {
  tokenEndpoint: string
  /** RFC 9449 §5.1 */
  signingAlgorithms: readonly string[] | undefined
  authenticationMethods: readonly string[] | undefined
}

/**
 * RFC 8414 §3: fetches `/.well-known/oauth-authorization-server` (inserted between host and issuer path),
 * checks that `issuer` is the one asked for (§3.3) and returns the token endpoint.
 */
export async function discoverTokenEndpoint(
  issuer: string,
  fetchFunction: FetchFunction,
): Promise<TokenEndpointMetadata> {
  const issuerUrl = new URL(issuer)
  const path = issuerUrl.pathname === '/' ? '' : issuerUrl.pathname.replace(/\/$/, '')
  const url = `${issuerUrl.origin}/.well-known/oauth-authorization-server${path}`
  const response = await sendRequest(fetchFunction, url, { headers: { Accept: 'application/json' } })
  if (!response.ok) {
    throw new CommandFailure(
      'discovery_failed',
      `no authorization server metadata at ${url} (HTTP ${response.status})`,
    )
  }
  const metadata = await readJson(response)
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new CommandFailure('discovery_failed', `the metadata at ${url} is not a JSON object`)
  }
  const members = metadata as Record<string, unknown>
  // Mix-up defense: metadata that names another issuer is not this issuer's.
  if (members.issuer !== issuer) {
    throw new CommandFailure(
      'discovery_failed',
      'the metadata "issuer" differs from --issuer (RFC 8414 §3.3)',
    )
  }
  const tokenEndpoint = members.token_endpoint
  if (typeof tokenEndpoint !== 'string' || !URL.canParse(tokenEndpoint)) {
    throw new CommandFailure('discovery_failed', 'the metadata has no valid "token_endpoint"')
  }
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined
  return {
    tokenEndpoint,
    signingAlgorithms: strings(members.dpop_signing_alg_values_supported),
    authenticationMethods: strings(members.token_endpoint_auth_methods_supported),
  }
}
