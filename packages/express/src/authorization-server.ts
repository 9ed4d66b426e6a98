import type { AuthorizationServer } from '@dpop/server'
import { createNeutralRequest } from '@dpop/server'
import express, { type Router } from 'express'
import { writeResponse } from './write-response.js'

/** Options of the Express {@link authorizationServer} router. */
export interface AuthorizationServerRouterOptions {
  /** Largest request body accepted. @default '100kb' */
  bodyLimit?: string | number
}

/**
 * An Express router serving the authorization server's endpoints (token, metadata, JWKS, …). Mount it at
 * the application root: the server's paths are absolute, and it checks proofs against its issuer's URLs.
 */
export function authorizationServer(
  server: AuthorizationServer,
  options: AuthorizationServerRouterOptions = {},
): Router {
  const router = express.Router()
  const origin = new URL(server.issuer).origin
  // Any body as the raw string: the server parses forms itself, rejecting repeated parameters and other
  // content types with its own errors.
  const body = express.text({ type: () => true, limit: options.bodyLimit ?? '100kb' })
  for (const path of new Set(server.routes.map((route) => route.path))) {
    router.all(path, body, async (req, res, next) => {
      try {
        const response = await server.handle({
          ...createNeutralRequest(req.method, origin + req.originalUrl, req.headers, req.rawHeaders),
          ...(typeof req.body === 'string' ? { body: req.body } : {}),
        })
        if (response === undefined) return next()
        writeResponse(res, response)
      } catch (error) {
        next(error)
      }
    })
  }
  return router
}
