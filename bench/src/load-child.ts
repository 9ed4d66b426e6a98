// The load generator, in its own process: `node load-child.js '<LoadJob JSON>'` (compiled JavaScript).
// Makes a pool of single-use DPoP proofs first (untimed), then sends exactly one request per proof.
import { createPrivateKey, createPublicKey } from 'node:crypto'
import autocannon from 'autocannon'
import { type BenchAlgorithm, type BenchKey, buildProof } from './fixtures.js'

export interface LoadJob {
  url: string
  /** More servers of the same route: connections and requests are split evenly over `url` and these. */
  moreUrls?: string[]
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
  /** Requests to send (one fresh proof each). */
  amount: number
  connections: number
  /** Sign a fresh proof for every request with this private JWK. */
  dpop?: { privateJwk: Record<string, string>; alg: BenchAlgorithm; htu: string; ath?: string }
}

export interface LoadResult {
  requestsPerSecond: number
  p50: number
  p99: number
  ok: number
  non2xx: number
  errors: number
  /** Status codes other than 2xx, to explain a failed round. */
  statusCodes: Record<string, number>
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] as string) as LoadJob
  let proofs: string[] = []
  if (job.dpop !== undefined) {
    const privateKey = createPrivateKey({ key: job.dpop.privateJwk, format: 'jwk' })
    const publicKey = createPublicKey(privateKey)
    const { kty, crv, x, y, n, e } = publicKey.export({ format: 'jwk' })
    const jwk = Object.fromEntries(
      Object.entries({ kty, crv, x, y, e, n }).filter(([, v]) => v !== undefined),
    )
    const key: BenchKey = { alg: job.dpop.alg, privateKey, publicKey, jwk }
    const claims = { htm: job.method, htu: job.dpop.htu, ...(job.dpop.ath ? { ath: job.dpop.ath } : {}) }
    proofs = Array.from({ length: job.amount + job.connections }, () => buildProof(key, claims).proof)
  }
  let next = 0
  const request: autocannon.Request = {
    method: job.method,
    path: job.path,
    headers: job.headers,
    ...(job.body === undefined ? {} : { body: job.body }),
  }
  if (job.dpop !== undefined) {
    request.setupRequest = (req) => ({ ...req, headers: { ...req.headers, dpop: proofs[next++] as string } })
  }
  // autocannon ends an `amount` run on its one-second ticker, so its duration is rounded up to whole
  // seconds: the rate is taken from the first request to the last response instead.
  let ok = 0
  let lastResponse = 0
  const start = performance.now()
  const urls = [job.url, ...(job.moreUrls ?? [])]
  const runs = await Promise.all(
    urls.map(
      (url, k) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const share = (total: number) => Math.floor(total / urls.length) + (k < total % urls.length ? 1 : 0)
          const instance = autocannon(
            { url, connections: share(job.connections), amount: share(job.amount), requests: [request] },
            (error, finished) => (error ? reject(error) : resolve(finished)),
          )
          instance.on('response', (_client, statusCode) => {
            lastResponse = performance.now()
            if (statusCode >= 200 && statusCode < 300) ok++
          })
        }),
    ),
  )
  const statusCodes: Record<string, number> = {}
  for (const run of runs) {
    for (const [code, { count }] of Object.entries(run.statusCodeStats ?? {})) {
      if (!code.startsWith('2')) statusCodes[code] = (statusCodes[code] ?? 0) + (count ?? 0)
    }
  }
  const output: LoadResult = {
    requestsPerSecond: ok / ((lastResponse - start) / 1000),
    // Several servers: the slowest one's percentiles.
    p50: Math.max(...runs.map((run) => run.latency.p50)),
    p99: Math.max(...runs.map((run) => run.latency.p99)),
    ok: runs.reduce((sum, run) => sum + run['2xx'], 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    statusCodes,
  }
  process.stdout.write(JSON.stringify(output))
}

await main()
