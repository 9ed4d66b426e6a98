import type { AuthorizationServer } from '@dpop/server'
import { createNeutralRequest } from '@dpop/server'
import type { Context, Middleware } from 'koa'
import { writeResponse } from './write-response.js'

/** Options of the Koa {@link authorizationServer} middleware. */
export interface AuthorizationServerMiddlewareOptions {
  /** Largest request body accepted, in bytes. @default 102_400 */
  bodyLimit?: number
}

/** The raw body as a string: the server parses forms itself and rejects repeated parameters. */
async function readBody(ctx: Context, limit: number): Promise<string> {
  const parsed = (ctx.request as { rawBody?: unknown }).rawBody
  if (typeof parsed === 'string') return parsed // a body parser ran first
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) ctx.throw(413)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Koa middleware serving the authorization server's endpoints (token, metadata, JWKS, …); other paths go
 * to `next()`. Use it at the application root: the server's paths are absolute, and it checks proofs
 * against its issuer's URLs.
 */
export function authorizationServer(
  server: AuthorizationServer,
  options: AuthorizationServerMiddlewareOptions = {},
): Middleware {
  const origin = new URL(server.issuer).origin
  const paths = new Set(server.routes.map((route) => route.path))
  const limit = options.bodyLimit ?? 102_400
  return async (ctx, next) => {
    if (!paths.has(ctx.path)) return next()
    const body = ctx.method === 'POST' ? await readBody(ctx, limit) : undefined
    const response = await server.handle({
      ...createNeutralRequest(ctx.method, origin + ctx.originalUrl, ctx.headers, ctx.req.rawHeaders),
      ...(body === undefined ? {} : { body }),
    })
    if (response === undefined) return next()
    writeResponse(ctx, response)
  }
}
