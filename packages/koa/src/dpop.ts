import {
  createNeutralRequest,
  type FrameworkAdapterOptions,
  guardResourceRequest,
  type OptionalAuthenticateOptions,
  type ResourceAuthentication,
  resolveFrameworkAdapter,
  resolveRequestUrl,
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
  const adapter = resolveFrameworkAdapter(adapterOptions)
  const { routeOptions } = adapter

  const handler =
    (authenticate: OptionalAuthenticateOptions): Middleware =>
    async (ctx, next) => {
      // Any error but a DPoPError goes on to Koa's error handling.
      const outcome = await guardResourceRequest(
        adapter,
        ctx.method,
        (name) => ctx.get(name),
        () =>
          createNeutralRequest(
            ctx.method,
            // originalUrl: koa-mount and routers shorten ctx.path, the client signed the full URL.
            resolveRequestUrl({
              publicUrl: adapter.publicUrl,
              protocol: ctx.protocol,
              host: hostOf(ctx),
              path: ctx.originalUrl,
              rawHeaders: ctx.req.rawHeaders,
            }),
            ctx.headers,
            ctx.req.rawHeaders,
            (ctx.request as { body?: unknown }).body,
          ),
        authenticate,
      )
      if (outcome.type === 'respond') return writeResponse(ctx, outcome.response)
      // Koa's own handler (ctx.onerror) answers err.status with err.headers; upstream middleware may reshape.
      if (outcome.type === 'fail') throw outcome.error
      if (outcome.authentication !== undefined) {
        ;(ctx.state as Record<string, unknown>)[key] = outcome.authentication
      }
      ctx.set(outcome.headers)
      await next()
    }

  const requireScopes = (scopes: readonly string[]) => handler(routeOptions({ requiredScopes: scopes }))
  return Object.assign(handler(routeOptions()), { requireScopes, withScopes: requireScopes })
}
