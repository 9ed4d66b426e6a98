import type { Context } from 'koa'

/** Writes a framework-neutral response (status, headers, serialized body) unchanged. */
export function writeResponse(
  ctx: Context,
  response: { status: number; headers: Record<string, string>; body: string },
): void {
  ctx.status = response.status
  ctx.set(response.headers)
  ctx.body = response.body
  // Koa types a string body as text/plain: keep the response's own Content-Type, or none.
  if (!Object.keys(response.headers).some((name) => name.toLowerCase() === 'content-type')) {
    ctx.remove('Content-Type')
  }
}
