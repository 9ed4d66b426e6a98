import {
  createNeutralRequest,
  type FrameworkAdapterOptions,
  guardResourceRequest,
  type OptionalAuthenticateOptions,
  type ResourceAuthentication,
  resolveFrameworkAdapter,
  resolveRequestUrl,
} from '@dpop/server'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { requestHost } from './request-host.js'
import { writeReply } from './write-reply.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated DPoP request, set by a `fastify.dpop` hook (with the default `decoratorName`); `null` elsewhere. */
    dpop: ResourceAuthentication | null
  }
  interface FastifyInstance {
    /** The guard registered with the `dpop` plugin in this scope. */
    dpop: DPoPDecorator
  }
}

/** A request with the authentication result at `request[Name]` (the `decoratorName` option). */
export type DPoPRequest<Name extends string = 'dpop'> = FastifyRequest & {
  [Key in Name]?: ResourceAuthentication | null
}

/**
 * The guard's options, `publicUrl` (default: `request.protocol` and host after Fastify's `trustProxy`
 * setting), `allowedOrigins`, `credentialsRequired`, `errors` and `decoratorName`.
 */
export interface DPoPOptions extends FrameworkAdapterOptions {
  /** The request decorator the authentication result is set on (as @fastify/jwt's `decoratorName`). @default 'dpop' */
  decoratorName?: string
}

/** A Fastify `preHandler` hook that authenticates the request and sets `request.dpop`, or answers the error. */
export type DPoPPreHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>

/** Options of one `preHandler()` hook. */
export interface DPoPRouteOptions {
  /** Overrides the plugin's `credentialsRequired` for this hook. */
  credentialsRequired?: boolean
  /** @deprecated Use `requireScopes([...])`, the same on every adapter. */
  requiredScopes?: readonly string[]
}

/** `fastify.dpop`, added by the {@link dpop} plugin. */
export interface DPoPDecorator {
  /**
   * A `preHandler` hook for one route (`{ preHandler: fastify.dpop.preHandler() }`) or a whole prefix
   * (`scope.addHook('preHandler', scope.dpop.preHandler())`). Add `OPTIONS` to a route's methods to
   * answer CORS preflights.
   */
  preHandler(options?: DPoPRouteOptions): DPoPPreHandler
  /** A `preHandler` hook of the same guard (and replay store) requiring these scopes (403 `insufficient_scope`). */
  requireScopes(scopes: readonly string[]): DPoPPreHandler
}

const plugin: FastifyPluginAsync<DPoPOptions> = async (fastify, options) => {
  const { decoratorName = 'dpop', ...adapterOptions } = options
  if (typeof decoratorName !== 'string' || decoratorName === '') {
    throw new TypeError('decoratorName must be a non-empty string')
  }
  const adapter = resolveFrameworkAdapter(adapterOptions)
  const { routeOptions } = adapter
  if (!fastify.hasRequestDecorator(decoratorName)) fastify.decorateRequest(decoratorName, null)

  const hook =
    (authenticate: OptionalAuthenticateOptions): DPoPPreHandler =>
    async (request, reply) => {
      // Any error but a DPoPError goes on to Fastify's error handler.
      const outcome = await guardResourceRequest(
        adapter,
        request.method,
        (name) => request.headers[name] as string | undefined,
        () =>
          createNeutralRequest(
            request.method,
            // request.url is the full path the client addressed, prefixes of encapsulated plugins included.
            resolveRequestUrl({
              publicUrl: adapter.publicUrl,
              protocol: request.protocol,
              host: requestHost(request),
              path: request.url,
              rawHeaders: request.raw.rawHeaders,
            }),
            request.headers,
            request.raw.rawHeaders,
            request.body,
          ),
        authenticate,
      )
      if (outcome.type === 'respond') return writeReply(reply, outcome.response)
      // Fastify's error handler (setErrorHandler, or its default) answers statusCode with error.headers.
      if (outcome.type === 'fail') throw outcome.error
      if (outcome.authentication !== undefined) {
        ;(request as unknown as Record<string, unknown>)[decoratorName] = outcome.authentication
      }
      reply.headers(outcome.headers)
      return undefined
    }

  fastify.decorate('dpop', {
    preHandler: (route: DPoPRouteOptions = {}) => hook(routeOptions(route)),
    requireScopes: (scopes: readonly string[]) => hook(routeOptions({ requiredScopes: scopes })),
  })
}

/**
 * Fastify plugin of a DPoP-protected resource (RFC 9449 §7): builds the guard once and decorates
 * `fastify.dpop` (hooks) and `request.dpop` (or `request[decoratorName]`, the result). A `DPoPError` is
 * answered with its status, challenge and JSON body, or thrown to Fastify's error handler with
 * `errors: 'framework'`; any other error goes to Fastify's error handler. Register a second guard in an
 * encapsulated scope.
 */
export const dpop = fp(plugin, { fastify: '4.x || 5.x', name: '@dpop/fastify' })
