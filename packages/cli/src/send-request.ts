import type { FetchFunction } from '@dpop/client'
import { CommandFailure } from './command-failure.js'

/** Sends a request; a network failure becomes a `CommandFailure` naming the origin and the cause code. */
export async function sendRequest(
  fetchFunction: FetchFunction,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetchFunction(url, init)
  } catch (error) {
    // fetch rejects with TypeError('fetch failed') whose cause tells what happened (ECONNREFUSED, …).
    const cause = error instanceof TypeError ? (error.cause as { code?: unknown } | undefined) : undefined
    if (cause === undefined) throw error
    const detail = typeof cause.code === 'string' ? cause.code : 'network error'
    throw new CommandFailure('request_failed', `cannot reach ${new URL(url).origin} (${detail})`)
  }
}

/** The body of a response as JSON, or undefined when it is not JSON. */
export async function readJson(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text())
  } catch {
    return undefined
  }
}
