import type { FetchFunction } from '@dpop/client'
import { CommandFailure } from './command-failure.js'

/**
 * The `CommandFailure` of a network error (fetch rejects with TypeError('fetch failed') whose cause tells
 * what happened: ECONNREFUSED, ENOTFOUND, …), or undefined for any other error.
 */
export function networkFailure(error: unknown, url: string): CommandFailure | undefined {
  const cause = error instanceof TypeError ? (error.cause as { code?: unknown } | undefined) : undefined
  if (cause === undefined) return undefined
  const detail = typeof cause.code === 'string' ? cause.code : 'network error'
  return new CommandFailure('request_failed', `cannot reach ${new URL(url).origin} (${detail})`)
}

/** Sends a request; a network failure becomes a `CommandFailure` naming the origin and the cause code. */
export async function sendRequest(
  fetchFunction: FetchFunction,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetchFunction(url, init)
  } catch (error) {
    throw networkFailure(error, url) ?? error
  }
}
