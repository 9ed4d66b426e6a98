import type { FetchFunction } from '@dpop/client'

/** One request and its response, as the demo prints them. */
export interface TracedExchange {
  method: string
  url: string
  requestHeaders: Headers
  requestBody?: string
  status: number
  responseHeaders: Headers
  /** Parsed JSON, or the start of the text. */
  body: unknown
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.clone().text()
  try {
    return JSON.parse(text)
  } catch {
    return text.slice(0, 200)
  }
}

/** A fetch that hands every exchange to `onExchange` after the response arrived. */
export function createTracingFetch(
  onExchange: (exchange: TracedExchange) => void,
  base: FetchFunction = globalThis.fetch,
): FetchFunction {
  return async (input, init) => {
    const requestHeaders = new Headers(init?.headers)
    const response = await base(input, init)
    const body = init?.body
    onExchange({
      method: init?.method ?? 'GET',
      url: input instanceof Request ? input.url : String(input),
      requestHeaders,
      ...(typeof body === 'string' || body instanceof URLSearchParams ? { requestBody: String(body) } : {}),
      status: response.status,
      responseHeaders: new Headers(response.headers),
      body: await readBody(response),
    })
    return response
  }
}
