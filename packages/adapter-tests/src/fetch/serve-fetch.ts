import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

/** What the request line and `Host` header name, as a runtime would build `Request.url`; `undefined` when malformed. */
function urlOf(incoming: IncomingMessage): string | undefined {
  try {
    return new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? ''}`).href
  } catch {
    return undefined
  }
}

async function toRequest(incoming: IncomingMessage, url: string): Promise<Request> {
  const headers = new Headers()
  const raw = incoming.rawHeaders
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!)
  const chunks: Buffer[] = []
  for await (const chunk of incoming) chunks.push(chunk as Buffer)
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD' && chunks.length > 0
  return new Request(url, {
    method: incoming.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  })
}

async function write(response: Response, outgoing: ServerResponse): Promise<void> {
  outgoing.statusCode = response.status
  for (const [name, value] of response.headers) outgoing.setHeader(name, value)
  outgoing.end(Buffer.from(await response.arrayBuffer()))
}

/**
 * A node:http server handing plain Fetch `Request`s to `handler`, as Deno, Bun and workers do: no framework.
 * A request whose `Host` cannot form a URL gets 400 before the handler, as such runtimes answer it; a
 * rejected handler gets 500.
 */
export function serveFetch(handler: (request: Request) => Promise<Response>): Server {
  return createServer(async (incoming, outgoing) => {
    const url = urlOf(incoming)
    if (url === undefined) {
      outgoing.writeHead(400).end()
      return
    }
    try {
      await write(await handler(await toRequest(incoming, url)), outgoing)
    } catch {
      if (!outgoing.headersSent) outgoing.writeHead(500)
      outgoing.end()
    }
  })
}
