import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void

/** A port bound on loopback before the application behind it exists. */
export interface LoopbackListener {
  /** The port actually bound (the one asked for, or the one the system chose for 0). */
  readonly port: number
  /** The application answering requests; until it is set, requests get 503. */
  setListener(listener: RequestListener): void
  close(): Promise<void>
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/**
 * Binds `port` on 127.0.0.1, and on [::1] too when it can, since `localhost` may resolve to either. Binding
 * first lets the URLs (issuer, redirect URIs, CORS origins) carry the real port when 0 is asked for.
 */
export async function listenOnLoopback(port: number): Promise<LoopbackListener> {
  let current: RequestListener = (_request, response) => {
    response.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '1' }).end('starting')
  }
  const dispatch: RequestListener = (request, response) => current(request, response)
  const ipv4 = createServer(dispatch)
  await listen(ipv4, port, '127.0.0.1')
  const bound = (ipv4.address() as AddressInfo).port
  const servers = [ipv4]
  const ipv6 = createServer(dispatch)
  try {
    await listen(ipv6, bound, '::1')
    servers.push(ipv6)
  } catch {
    // No IPv6 loopback on this machine (or the port is taken there): 127.0.0.1 serves alone.
  }
  return {
    port: bound,
    setListener(listener) {
      current = listener
    },
    async close() {
      await Promise.all(servers.map(closeServer))
    },
  }
}
