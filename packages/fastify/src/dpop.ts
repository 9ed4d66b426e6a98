import { isDPoPError } from '@dpop/core'
import {
  type AuthenticateOptions,
  assertPublicUrl,
  createNeutralRequest,
  createResourceGuard,
  type ResourceAdapterOptions,
  type ResourceAuthentication,
  resolveRequestUrl,
  resourceCors,
} from '@dpop/server'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { requestHost } from './request-host.js'
import { writeReply } from './write-reply.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated DPoP request, set by a `fastify.dpop.preHandler()` hook; `null` elsewhere. */
    dpop: ResourceAuthentication | null
  }
  interface FastifyInstance {
    /** The guard registered with the `dpop` plugin in this scope. */
    dpop: DPoPDecorator
  }
}

/** The guard's options, `publicUrl` (default: `request.protocol` and host after Fastify's `trustProxy` setting) and `allowedOrigins`. */
export type DPoPOptions = ResourceAdapterOptions

/** A Fastify `preHandler` hook that authenticates the request and sets `request.dpop`, or answers the error. */
export type DPoPPreHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>

/** `fastify.dpop`, added by the {@link dpop} plugin. */
export interface DPoPDecorator {
  /**
   * A `preHandler` hook for one route (`{ preHandler: fastify.dpop.preHandler() }`) or a whole prefix
   * (`scope.addHook('preHandler', scope.dpop.preHandler())`). Add `OPTIONS` to a route's methods to
   * answer CORS preflights.
   */
  preHandler(options?: AuthenticateOptions): DPoPPreHandler
}

const plugin: FastifyPluginAsync<DPoPOptions> = async (fastify, options) => {
  const { publicUrl, allowedOrigins, ...guardOptions } = options
  if (publicUrl !== undefined) assertPublicUrl(publicUrl)
  const guard = createResourceGuard(guardOptions)
  if (!fastify.hasRequestDecorator('dpop')) fastify.decorateRequest('dpop', null)

  const preHandler =
    (authenticate: AuthenticateOptions = {}): DPoPPreHandler =>
    async (request, reply) => {
      const { preflight, headers: cors } = resourceCors(
        request.method,
        (name) => request.headers[name] as string | undefined,
        allowedOrigins,
      )
      if (preflight) return writeReply(reply, { status: 204, headers: cors, body: '' })
      try {
        // request.url is the full path the client addressed, prefixes of encapsulated plugins included.
        const url = resolveRequestUrl({
          publicUrl,
          protocol: request.protocol,
          host: requestHost(request),
          path: request.url,
          rawHeaders: request.raw.rawHeaders,
        })
        request.dpop = await guard.authenticate(
          createNeutralRequest(request.method, url, request.headers, request.raw.rawHeaders, request.body),
          authenticate,
        )
      } catch (error) {
        if (!isDPoPError(error)) throw error
        const response = guard.toResponse(error)
        return writeReply(reply, { ...response, headers: { ...response.headers, ...cors } })
      }
      reply.headers({ ...request.dpop.responseHeaders, ...cors })
      return undefined
    }

  fastify.decorate('dpop', { preHandler })
}

/**
 * Fastify plugin of a DPoP-protected resource (RFC 9449 §7): builds the guard once and decorates
 * `fastify.dpop` (hooks) and `request.dpop` (the result). A `DPoPError` is answered with its status,
 * challenge and JSON body; any other error goes to Fastify's error handler. Register a second guard in
 * an encapsulated scope.
 */
export const dpop = fp(plugin, { fastify: '4.x || 5.x', name: '@dpop/fastify' })
