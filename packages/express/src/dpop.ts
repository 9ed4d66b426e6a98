import {
  createNeutralRequest,
  type FrameworkAdapterOptions,
  type GuardOutcome,
  guardResourceRequest,
  type OptionalAuthenticateOptions,
  type ResourceAuthentication,
  resolveFrameworkAdapter,
  resolveRequestUrl,
} from '@dpop/server'
import type { Request, RequestHandler } from 'express'
import { requestHost } from './request-host.js'
import { setHeaders, writeResponse } from './write-response.js'

declare global {
  namespace Express {
    interface Request {
      /** The authenticated DPoP request, set by the `dpop()` middleware (with the default `requestProperty`). */
      dpop?: ResourceAuthentication
    }
  }
}

/** A request whose authentication result is at `req[Property]` (the `requestProperty` option). */
export type DPoPRequest<Property extends string = 'dpop'> = Request & {
  [Name in Property]?: ResourceAuthentication
}

/**
 * The guard's options, `publicUrl` (default: `req.protocol` and the `Host` after Express's `trust proxy`
 * setting), `allowedOrigins`, `credentialsRequired`, `errors` and `requestProperty`.
 */
export interface DPoPOptions extends FrameworkAdapterOptions {
  /** The `req` property the authentication result is set on (express-jwt's `requestProperty`). @default 'dpop' */
  requestProperty?: string
}

/** The Express middleware of {@link dpop}: guards every route it is mounted on. */
export interface DPoPMiddleware extends RequestHandler {
  /** The same guard (and replay store) requiring these scopes on one route (403 `insufficient_scope`). */
  requireScopes(scopes: readonly string[]): RequestHandler
  /** @deprecated Use `requireScopes([...])`, the same on every adapter. */
  withScopes(requiredScopes: readonly string[]): RequestHandler
}

/**
 * Express middleware guarding a DPoP-protected resource (RFC 9449 §7): sets `req.dpop` (or
 * `req[requestProperty]`) and the response's `DPoP-Nonce`. A `DPoPError` is answered with its status,
 * challenge and JSON body, or passed to `next(err)` with `errors: 'framework'`; any other error goes to
 * `next(err)`. Mount it with `app.use(path, …)` or add `app.options(path, …)` so CORS preflights reach it.
 */
export function dpop(options: DPoPOptions): DPoPMiddleware {
  const { requestProperty = 'dpop', ...adapterOptions } = options ?? {}
  if (typeof requestProperty !== 'string' || requestProperty === '') {
    throw new TypeError('requestProperty must be a non-empty string')
  }
  const adapter = resolveFrameworkAdapter(adapterOptions)
  const { routeOptions } = adapter

  const handler =
    (authenticate: OptionalAuthenticateOptions): RequestHandler =>
    async (req, res, next) => {
      let outcome: GuardOutcome
      try {
        outcome = await guardResourceRequest(
          adapter,
          req.method,
          (name) => req.get(name),
          () =>
            createNeutralRequest(
              req.method,
              // originalUrl: a router mounted under a prefix sees a shortened req.url, the client signed the full one.
              resolveRequestUrl({
                publicUrl: adapter.publicUrl,
                protocol: req.protocol,
                host: requestHost(req),
                path: req.originalUrl,
                rawHeaders: req.rawHeaders,
              }),
              req.headers,
              req.rawHeaders,
              req.body,
            ),
          authenticate,
        )
      } catch (error) {
        return next(error)
      }
      if (outcome.type === 'respond') return writeResponse(res, outcome.response)
      if (outcome.type === 'fail') return next(outcome.error)
      if (outcome.authentication !== undefined) {
        ;(req as unknown as Record<string, unknown>)[requestProperty] = outcome.authentication
      }
      setHeaders(res, outcome.headers)
      next()
    }

  const requireScopes = (scopes: readonly string[]) => handler(routeOptions({ requiredScopes: scopes }))
  return Object.assign(handler(routeOptions()), { requireScopes, withScopes: requireScopes })
}
