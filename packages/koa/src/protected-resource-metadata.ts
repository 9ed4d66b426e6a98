import { createResourceGuard, type ResourceGuardOptions, resourceMetadataUrl } from '@dpop/server'
import type { Middleware } from 'koa'
import { writeResponse } from './write-response.js'

/**
 * Koa middleware serving the RFC 9728 protected resource metadata of a guard configuration at its
 * well-known path (`/.well-known/oauth-protected-resource` plus the resource's path, or `documentUrl`'s path).
 */
export function protectedResourceMetadata(options: ResourceGuardOptions): Middleware {
  const body = JSON.stringify(createResourceGuard(options).metadata())
  const metadata = options.resourceMetadata!
  const path = new URL(metadata.documentUrl ?? resourceMetadataUrl(metadata.resource)).pathname
  const headers = { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }
  return async (ctx, next) => {
    if (ctx.path !== path || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next()
    writeResponse(ctx, { status: 200, headers, body })
  }
}
