import { createResourceGuard } from '../resource-guard/create-resource-guard.js'
import type { ResourceGuardOptions } from '../resource-guard/resource-guard-options.js'
import { resourceMetadataUrl } from '../resource-guard/resource-metadata-url.js'

/** Answers `GET` of the metadata document's path; `undefined` for any other request. */
export type FetchResourceMetadataHandler = (request: Request) => Response | undefined

/**
 * Serves the RFC 9728 protected resource metadata of a guard configuration to Fetch `Request`s, at its
 * well-known path (`/.well-known/oauth-protected-resource` plus the resource's path, or `documentUrl`'s).
 *
 * @throws TypeError when the options have no `resourceMetadata`, or are invalid.
 */
export function fetchProtectedResourceMetadata(options: ResourceGuardOptions): FetchResourceMetadataHandler {
  if (options.resourceMetadata === undefined) {
    throw new TypeError('fetchProtectedResourceMetadata: the resourceMetadata option is required')
  }
  const document = JSON.stringify(createResourceGuard(options).metadata())
  const metadata = options.resourceMetadata
  const path = new URL(metadata.documentUrl ?? resourceMetadataUrl(metadata.resource)).pathname
  return (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
    if (new URL(request.url).pathname !== path) return undefined
    return new Response(request.method === 'HEAD' ? null : document, {
      status: 200,
      headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' },
    })
  }
}
