import type { Response } from 'express'

/** Writes headers as given: `res.set()` would append a charset to `Content-Type`. */
export function setHeaders(res: Response, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
}

/** Writes a framework-neutral response (status, headers, serialized body) unchanged. */
export function writeResponse(
  res: Response,
  response: { status: number; headers: Record<string, string>; body: string },
): void {
  res.status(response.status)
  setHeaders(res, response.headers)
  res.end(response.body)
}
