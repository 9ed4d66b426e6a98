import { createResourceGuard, type ResourceGuardOptions, resourceMetadataUrl } from '@dpop/server'
import express, { type Router } from 'express'
import { writeResponse } from './write-response.js'

/**
 * A router serving the RFC 9728 protected resource metadata of a guard configuration at its well-known
 * path (`/.well-known/oauth-protected-resource` plus the resource's path, or `documentUrl`'s path).
 */
export function protectedResourceMetadata(options: ResourceGuardOptions): Router {
  const document = JSON.stringify(createResourceGuard(options).metadata())
  const metadata = options.resourceMetadata!
  const path = new URL(metadata.documentUrl ?? resourceMetadataUrl(metadata.resource)).pathname
  const router = express.Router()
  router.get(path, (_req, res) => {
    const headers = { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }
    writeResponse(res, { status: 200, headers, body: document })
  })
  return router
}
