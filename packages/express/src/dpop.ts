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
import type { RequestHandler } from 'express'
import { requestHost } from './request-host.js'
import { setHeaders, writeResponse } from './write-response.js'

declare global {
  namespace Express {
    interface Request {
      /** The authenticated DPoP request, set by the `dpop()` middleware. */
      dpop?: ResourceAuthentication
    }
  }
}

/** The guard's options, `publicUrl` (default: `req.protocol` and the `Host` after Express's `trust proxy` setting) and `allowedOrigins`. */
export type DPoPOptions = ResourceAdapterOptions

/** The Express middleware of {@link dpop}: guards every route it is mounted on. */
export interface DPoPMiddleware extends RequestHandler {
  /** The same guard (and replay store) requiring more scopes on one route (403 `insufficient_scope`). */
  withScopes(requiredScopes: readonly string[]): RequestHandler
}

/**
 * Express middleware guarding a DPoP-protected resource (RFC 9449 §7): sets `req.dpop` and the response's
 * `DPoP-Nonce`, answers a `DPoPError` with its status, challenge and JSON body, and passes any other error
 * to `next(err)`. Mount it with `app.use(path, …)` or add `app.options(path, …)` so CORS preflights reach it.
 */
export function dpop(options: DPoPOptions): DPoPMiddleware {
  const { publicUrl, allowedOrigins, ...guardOptions } = options
  if (publicUrl !== undefined) assertPublicUrl(publicUrl)
  const guard = createResourceGuard(guardOptions)

  const handler =
    (authenticate: AuthenticateOptions): RequestHandler =>
    async (req, res, next) => {
      const { preflight, headers: cors } = resourceCors(req.method, (name) => req.get(name), allowedOrigins)
      if (preflight) {
        writeResponse(res, { status: 204, headers: cors, body: '' })
        return
      }
      try {
        // originalUrl: a router mounted under a prefix sees a shortened req.url, the client signed the full one.
        const url = resolveRequestUrl({
          publicUrl,
          protocol: req.protocol,
          host: requestHost(req),
          path: req.originalUrl,
          rawHeaders: req.rawHeaders,
        })
        req.dpop = await guard.authenticate(
          createNeutralRequest(req.method, url, req.headers, req.rawHeaders, req.body),
          authenticate,
        )
      } catch (error) {
        if (!isDPoPError(error)) return next(error)
        const response = guard.toResponse(error)
        writeResponse(res, { ...response, headers: { ...response.headers, ...cors } })
        return
      }
      setHeaders(res, { ...req.dpop.responseHeaders, ...cors })
      next()
    }

  return Object.assign(handler({}), {
    withScopes: (requiredScopes: readonly string[]) => handler({ requiredScopes }),
  })
}
