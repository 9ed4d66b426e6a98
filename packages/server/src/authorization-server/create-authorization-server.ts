import type { AuthorizationServerConfig, Endpoint } from './config.js'
import { resolveConfig } from './config.js'
import { corsHeaders, preflightResponse } from './cors.js'
import { handleAuthorize } from './handle-authorize.js'
import { handleIntrospection } from './handle-introspection.js'
import { buildMetadata } from './handle-metadata.js'
import { handlePushedAuthorizationRequest } from './handle-par.js'
import { handleRegistration } from './handle-registration.js'
import { handleRevocation } from './handle-revocation.js'
import { handleToken } from './handle-token.js'
import { errorResponse, jsonResponse, methodNotAllowed } from './responses.js'
import { createServerContext, type ServerContext } from './server-context.js'
import type {
  AuthorizationServer,
  AuthorizationServerRequest,
  AuthorizationServerResponse,
  AuthorizationServerRoute,
} from './types.js'

type Handler = (
  context: ServerContext,
  request: AuthorizationServerRequest,
) => Promise<AuthorizationServerResponse>

interface Entry {
  endpoint: Endpoint
  methods: AuthorizationServerRoute['method'][]
  handler: Handler
}

function publicDocument(body: () => unknown | Promise<unknown>): Handler {
  return async (_context, request) => {
    if (request.method === 'OPTIONS') return preflightResponse(request, '*', 'GET')
    if (request.method !== 'GET') return methodNotAllowed('GET, OPTIONS')
    return jsonResponse(200, await body(), { 'Cache-Control': 'max-age=300', ...corsHeaders(request, '*') })
  }
}

/**
 * Creates the framework-neutral OAuth 2.0 authorization server issuing DPoP-bound tokens (RFC 9449).
 * Throws `TypeError` for an invalid configuration.
 */
export function createAuthorizationServer(config: AuthorizationServerConfig): AuthorizationServer {
  const resolved = resolveConfig(config)
  const context = createServerContext(resolved)
  const { endpoints } = resolved
  const metadata = buildMetadata(resolved)
  const jwks = async () => ({ keys: (await context.signingKeys()).map((key) => ({ ...key.publicJwk })) })
  const interactive = resolved.interaction !== undefined

  const entries: Entry[] = [
    { endpoint: endpoints.metadata, methods: ['GET', 'OPTIONS'], handler: publicDocument(() => metadata) },
    { endpoint: endpoints.jwks, methods: ['GET', 'OPTIONS'], handler: publicDocument(jwks) },
    { endpoint: endpoints.token, methods: ['POST', 'OPTIONS'], handler: handleToken },
    { endpoint: endpoints.introspection, methods: ['POST'], handler: handleIntrospection },
    { endpoint: endpoints.revocation, methods: ['POST', 'OPTIONS'], handler: handleRevocation },
  ]
  if (interactive) {
    entries.push(
      { endpoint: endpoints.authorization, methods: ['GET', 'POST'], handler: handleAuthorize },
      {
        endpoint: endpoints.pushedAuthorizationRequest,
        methods: ['POST', 'OPTIONS'],
        handler: handlePushedAuthorizationRequest,
      },
    )
  }
  if (resolved.registrationEnabled) {
    entries.push({ endpoint: endpoints.registration, methods: ['POST'], handler: handleRegistration })
  }
  // RFC 8414 §3.1 drops an issuer path's terminating "/" before inserting the well-known suffix, but
  // several clients keep it: serve the metadata at both paths when the issuer ends with one.
  const issuerPath = new URL(resolved.issuer).pathname
  const slashAlias = `/.well-known/oauth-authorization-server${issuerPath}`
  if (
    issuerPath !== '/' &&
    issuerPath.endsWith('/') &&
    config.paths?.metadata === undefined &&
    !entries.some((entry) => entry.endpoint.path === slashAlias)
  ) {
    entries.push({
      endpoint: { path: slashAlias, url: `${new URL(resolved.issuer).origin}${slashAlias}` },
      methods: ['GET', 'OPTIONS'],
      handler: publicDocument(() => metadata),
    })
  }
  const byPath = new Map(entries.map((entry) => [entry.endpoint.path, entry]))
  const routes = Object.freeze(
    entries.flatMap(({ endpoint, methods }) =>
      methods.map((method) => Object.freeze({ method, path: endpoint.path })),
    ),
  )

  return {
    issuer: resolved.issuer,
    routes,
    metadata: () => structuredClone(metadata),
    jwks,
    async handle(request) {
      let path: string
      try {
        path = new URL(request.url).pathname
      } catch {
        return undefined
      }
      const entry = byPath.get(path)
      if (entry === undefined) return undefined
      try {
        return await entry.handler(context, request)
      } catch (error) {
        // Handlers answer client errors themselves; this is the last line for the unexpected (500, no details).
        return errorResponse(error)
      }
    },
  }
}
