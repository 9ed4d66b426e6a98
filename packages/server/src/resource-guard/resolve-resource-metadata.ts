import { assertHttpUrl, assertScopes } from './guard-option-checks.js'
import type { ResourceMetadataOptions } from './resource-guard-options.js'
import { resourceMetadataUrl } from './resource-metadata-url.js'

export interface ResolvedResourceMetadata {
  /** Where the document is served: the challenge's `resource_metadata` (RFC 9728 §5.1). */
  documentUrl: string
  /** The RFC 9728 §2 protected resource metadata document. */
  document: Readonly<Record<string, unknown>>
}

/** Checks the RFC 9728 options once and builds the document the guard serves. */
export function resolveResourceMetadata(
  options: ResourceMetadataOptions,
  algorithms: readonly string[],
  allowBearer: boolean,
): ResolvedResourceMetadata {
  assertHttpUrl(options.resource, 'resourceMetadata.resource')
  const documentUrl =
    options.documentUrl === undefined
      ? resourceMetadataUrl(options.resource)
      : assertHttpUrl(options.documentUrl, 'resourceMetadata.documentUrl')
  for (const server of options.authorizationServers ?? []) {
    assertHttpUrl(server, 'resourceMetadata.authorizationServers')
  }
  if (options.scopesSupported !== undefined) {
    assertScopes(options.scopesSupported, 'resourceMetadata.scopesSupported')
  }
  const document = {
    resource: options.resource,
    ...(options.authorizationServers === undefined
      ? {}
      : { authorization_servers: [...options.authorizationServers] }),
    ...(options.scopesSupported === undefined ? {} : { scopes_supported: [...options.scopesSupported] }),
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: [...algorithms],
    dpop_bound_access_tokens_required: !allowBearer,
  }
  return { documentUrl, document }
}
