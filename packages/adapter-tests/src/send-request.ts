import { request } from 'node:http'

export interface SentRequest {
  method?: string
  /**
   * An array sends the header once per value: Fetch cannot send two `Authorization` lines, node:http can.
   * Two `host` values are sent as two `Host` lines.
   */
  headers?: Record<string, string | readonly string[]>
  body?: string
}

export interface ReceivedResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * node:http refuses an array `host`; its raw `[name, value, …]` form writes every line as given (and then
 * adds no `Host` of its own), so that form is used when the request has several `Host` lines.
 */
function onTheWire(
  headers: SentRequest['headers'],
): Record<string, string | string[]> | string[] | undefined {
  if (headers === undefined || !Array.isArray(headers.host)) {
    return headers as Record<string, string | string[]> | undefined
  }
  const lines: string[] = []
  for (const [name, value] of Object.entries(headers)) {
    for (const one of typeof value === 'string' ? [value] : value) lines.push(name, one)
  }
  return lines
}

/** One HTTP/1.1 request over loopback with node:http, so headers go on the wire exactly as given. */
export function sendRequest(url: string, sent: SentRequest = {}): Promise<ReceivedResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: sent.method ?? 'GET',
        headers: onTheWire(sent.headers),
        agent: false,
      },
      (incoming) => {
        const chunks: Buffer[] = []
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
        incoming.on('error', reject)
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    outgoing.on('error', reject)
    outgoing.end(sent.body)
  })
}
