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
import type { Context, Middleware } from 'koa'
import { writeResponse } from './write-response.js'

declare module 'koa' {
  interface DefaultState {
    /** The authenticated DPoP request, set by the `dpop()` middleware. */
    dpop?: ResourceAuthentication
  }
}

/** The guard's options, `publicUrl` (default: `ctx.protocol` and host after Koa's `app.proxy` setting) and `allowedOrigins`. */
export type DPoPOptions = ResourceAdapterOptions

/** The Koa middleware of {@link dpop}: guards every route it is mounted on. */
export interface DPoPMiddleware extends Middleware {
  /** The same guard (and replay store) requiring more scopes on one route (403 `insufficient_scope`). */
  withScopes(requiredScopes: readonly string[]): Middleware
}

/**
 * The host the client addressed. Koa's `ctx.host` repairs what it cannot use (`a, b` → `a`, `user@a` → `a`);
 * a malformed Host must be rejected instead, so only the choice of header follows Koa (`app.proxy`).
 */
function hostOf(ctx: Context): string {
  const forwarded = ctx.app.proxy ? ctx.get('X-Forwarded-Host') : ''
  if (forwarded !== '') return forwarded.split(',', 1)[0]!.trim()
  return ctx.get('Host') || ctx.get(':authority')
}

/**
 * Koa middleware guarding a DPoP-protected resource (RFC 9449 §7): sets `ctx.state.dpop` and the response's
 * `DPoP-Nonce`, answers a `DPoPError` with its status, challenge and JSON body, and rethrows any other
 * error to Koa's error handling.
 */
export function dpop(options: DPoPOptions): DPoPMiddleware {
  const { publicUrl, allowedOrigins, ...guardOptions } = options
  if (publicUrl !== undefined) assertPublicUrl(publicUrl)
  const guard = createResourceGuard(guardOptions)

  const handler =
    (authenticate: AuthenticateOptions): Middleware =>
    async (ctx, next) => {
      const { preflight, headers: cors } = resourceCors(ctx.method, (name) => ctx.get(name), allowedOrigins)
      if (preflight) return writeResponse(ctx, { status: 204, headers: cors, body: '' })
      let result: ResourceAuthentication
      try {
        // originalUrl: koa-mount and routers shorten ctx.path, the client signed the full URL.
        const url = resolveRequestUrl({
          publicUrl,
          protocol: ctx.protocol,
          host: hostOf(ctx),
          path: ctx.originalUrl,
          rawHeaders: ctx.req.rawHeaders,
        })
        result = await guard.authenticate(
          createNeutralRequest(
            ctx.method,
            url,
            ctx.headers,
            ctx.req.rawHeaders,
            (ctx.request as { body?: unknown }).body,
          ),
          authenticate,
        )
      } catch (error) {
        if (!isDPoPError(error)) throw error
        const response = guard.toResponse(error)
        return writeResponse(ctx, { ...response, headers: { ...response.headers, ...cors } })
      }
      ctx.state.dpop = result
      ctx.set({ ...result.responseHeaders, ...cors })
      await next()
    }

  return Object.assign(handler({}), {
    withScopes: (requiredScopes: readonly string[]) => handler({ requiredScopes }),
  })
}
