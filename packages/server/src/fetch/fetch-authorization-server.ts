import { DPoPError } from '@dpop/core'
import { MAX_BODY_LENGTH } from '../authorization-server/form-body.js'
import type { AuthorizationServer } from '../authorization-server/types.js'
import { createNeutralRequest } from '../http/create-neutral-request.js'
import { readBodyText } from './read-body-text.js'
import { toFetchResponse } from './to-fetch-response.js'

/** Answers a `Request` for one of the server's endpoints; `undefined` for any other path (body unread). */
export type FetchAuthorizationServerHandler = (request: Request) => Promise<Response | undefined>

function bodyTooLarge(): Response {
  const error = new DPoPError('invalid_request', 'parameter_too_large', {
    status: 413,
    description: 'request body too large',
  })
  const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }
  return toFetchResponse({ status: 413, headers, body: JSON.stringify(error.toJSON()) })
}

/**
 * The authorization server's endpoints (token, authorize, PAR, introspection, revocation, metadata, JWKS…)
 * for Fetch `Request`s, in Hono, Next.js, Deno, Bun or workers. Paths are the server's own (absolute);
 * proofs are checked against the issuer's URLs whatever host the request came through.
 */
export function fetchAuthorizationServer(server: AuthorizationServer): FetchAuthorizationServerHandler {
  const origin = new URL(server.issuer).origin
  const paths = new Set(server.routes.map((route) => route.path))
  return async (request) => {
    const target = new URL(request.url)
    if (!paths.has(target.pathname)) return undefined
    const body = await readBodyText(request, MAX_BODY_LENGTH)
    if (body === undefined) return bodyTooLarge()
    const response = await server.handle({
      ...createNeutralRequest(request.method, origin + target.pathname + target.search, request.headers),
      ...(request.body === null ? {} : { body }),
    })
    return response === undefined ? undefined : toFetchResponse(response)
  }
}
