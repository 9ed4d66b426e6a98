import { request } from 'node:http'

export interface SentRequest {
  method?: string
  /** An array sends the header once per value: Fetch cannot send two `Authorization` lines, node:http can. */
  headers?: Record<string, string | readonly string[]>
  body?: string
}

export interface ReceivedResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One HTTP/1.1 request over loopback with node:http, so headers go on the wire exactly as given. */
export function sendRequest(url: string, sent: SentRequest = {}): Promise<ReceivedResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: sent.method ?? 'GET',
        headers: sent.headers as Record<string, string | string[]>,
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
