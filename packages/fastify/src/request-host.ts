import type { FastifyRequest } from 'fastify'

/**
 * The host (with port) the client addressed, after the `trustProxy` setting. Fastify 5 reports it as
 * `request.host`; Fastify 4 has no `host` and reports it as `request.hostname` (which Fastify 5 strips of
 * its port).
 */
export function requestHost(request: FastifyRequest): string | undefined {
  const { host } = request as { host?: string }
  return host === undefined ? request.hostname : host
}
