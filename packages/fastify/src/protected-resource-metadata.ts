import { createResourceGuard, type ResourceGuardOptions, resourceMetadataUrl } from '@dpop/server'
import type { FastifyPluginAsync } from 'fastify'
import { writeReply } from './write-reply.js'

/**
 * Fastify plugin serving the RFC 9728 protected resource metadata of a guard configuration at its
 * well-known path (`/.well-known/oauth-protected-resource` plus the resource's path, or `documentUrl`'s path).
 */
export const protectedResourceMetadata: FastifyPluginAsync<ResourceGuardOptions> = async (
  fastify,
  options,
) => {
  const body = JSON.stringify(createResourceGuard(options).metadata())
  const metadata = options.resourceMetadata!
  const url = new URL(metadata.documentUrl ?? resourceMetadataUrl(metadata.resource)).pathname
  const headers = { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }
  fastify.get(url, (_request, reply) => writeReply(reply, { status: 200, headers, body }))
}
