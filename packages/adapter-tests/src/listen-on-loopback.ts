import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ConformanceApp } from './run-conformance-suite.js'

/** Listens on 127.0.0.1, port 0, and closes every connection on `close()`. */
export async function listenOnLoopback(server: Server): Promise<ConformanceApp> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
