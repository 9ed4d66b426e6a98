import { isDPoPError } from '@dpop/core'
import {
  createNeutralRequest,
  type FrameworkAdapterOptions,
  frameworkError,
  type OptionalAuthenticateOptions,
  type ResourceAuthentication,
  resolveFrameworkAdapter,
  resolveRequestUrl,
  resourceCors,
} from '@dpop/server'
import type { Context, Middleware } from 'koa'
import { writeResponse } from './write-response.js'

declare module 'koa' {
  interface DefaultState {
    /** The authenticated DPoP request, set by the `dpop()` middleware (with the default `key`). */
    dpop?: ResourceAuthentication
  }
}

/** A `ctx.state` with the authentication result at `ctx.state[Key]` (the `key` option). */
export type DPoPState<Key extends string = 'dpop'> = { [Name in Key]?: ResourceAuthentication }

/**
 * The guard's options, `publicUrl` (default: `ctx.protocol` and host after Koa's `app.proxy` setting),
 * `allowedOrigins`, `credentialsRequired`, `errors` and `key`.
 */
export interface DPoPOptions extends FrameworkAdapterOptions {
  /** The `ctx.state` property the authentication result is set on (koa-jwt's `key`). @default 'dpop' */
  key?: string
}

/** The Koa middleware of {@link dpop}: guards every route it is mounted on. */
export interface DPoPMiddleware extends Middleware {
  /** The same guard (and replay store) requiring these scopes on one route (403 `insufficient_scope`). */
  requireScopes(scopes: readonly string[]): Middleware
  /** @deprecated Use `requireScopes([...])`, the same on every adapter. */
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
 * Koa middleware guarding a DPoP-protected resource (RFC 9449 §7): sets `ctx.state.dpop` (or
 * `ctx.state[key]`) and the response's `DPoP-Nonce`. A `DPoPError` is answered with its status, challenge
 * and JSON body, or thrown with `errors: 'framework'`; any other error is rethrown to Koa's error handling.
 */
export function dpop(options: DPoPOptions): DPoPMiddleware {
  const { key = 'dpop', ...adapterOptions } = options ?? {}
  if (typeof key !== 'string' || key === '') throw new TypeError('key must be a non-empty string')
  const { guard, publicUrl, allowedOrigins, errors, routeOptions } = resolveFrameworkAdapter(adapterOptions)

  const handler =
    (authenticate: OptionalAuthenticateOptions): Middleware =>
    async (ctx, next) => {
      const { preflight, headers: cors } = resourceCors(ctx.method, (name) => ctx.get(name), allowedOrigins)
      if (preflight) return writeResponse(ctx, { status: 204, headers: cors, body: '' })
      let result: ResourceAuthentication | undefined
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
        // Koa's own handler (ctx.onerror) answers err.status with err.headers; upstream middleware may reshape.
        if (errors === 'framework') throw frameworkError(error, cors)
        const response = guard.toResponse(error)
        return writeResponse(ctx, { ...response, headers: { ...response.headers, ...cors } })
      }
      if (result !== undefined) (ctx.state as Record<string, unknown>)[key] = result
      ctx.set({ ...result?.responseHeaders, ...cors })
      await next()
    }

  const requireScopes = (scopes: readonly string[]) => handler(routeOptions({ requiredScopes: scopes }))
  return Object.assign(handler(routeOptions()), { requireScopes, withScopes: requireScopes })
}
