import type { AuthorizationServer } from '@dpop/server'
import { createNeutralRequest } from '@dpop/server'
import type { FastifyPluginAsync, HTTPMethods } from 'fastify'
import { writeReply } from './write-reply.js'

/** Options of the Fastify {@link authorizationServer} plugin. */
export interface AuthorizationServerPluginOptions {
  /** The authorization server to serve, from `createAuthorizationServer`. */
  server: AuthorizationServer
}

/**
 * Fastify plugin registering the authorization server's routes (token, metadata, JWKS, …). Register it
 * without a prefix: the server's paths are absolute, and it checks proofs against its issuer's URLs. Its
 * body parsers stay inside the plugin's encapsulated scope.
 */
export const authorizationServer: FastifyPluginAsync<AuthorizationServerPluginOptions> = async (
  fastify,
  { server },
) => {
  const origin = new URL(server.issuer).origin
  // Fastify parses no forms: keep every value (URLSearchParams) so the server rejects repeated parameters.
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, new URLSearchParams(body as string)),
  )
  // Any other body as the raw string: JSON for the registration endpoint, and the server's own error for
  // a content type it does not take.
  fastify.removeContentTypeParser(['application/json', 'text/plain'])
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))

  const methods = new Map<string, HTTPMethods[]>()
  for (const { method, path } of server.routes) methods.set(path, [...(methods.get(path) ?? []), method])
  for (const [url, method] of methods) {
    fastify.route({
      method,
      url,
      handler: async (request, reply) => {
        const body = request.body
        const response = await server.handle({
          ...createNeutralRequest(
            request.method,
            origin + request.url,
            request.headers,
            request.raw.rawHeaders,
          ),
          ...(typeof body === 'string' || body instanceof URLSearchParams ? { body } : {}),
        })
        if (response === undefined) return reply.callNotFound()
        return writeReply(reply, response)
      },
    })
  }
}
