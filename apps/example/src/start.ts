import { createSystem, type DemoSystem } from './create-system.js'
import { nonceFromEnvironment, portsFromEnvironment, redisUrlFromEnvironment } from './environment.js'
import { describeStartError } from './user-error.js'

function table(system: DemoSystem): string {
  const { urls } = system
  const rows: Array<[string, string]> = [
    ['Authorization server (Fastify)', urls.issuer],
    ['  metadata', urls.metadata],
    ['  login', 'alice / alice-password'],
    ['Resource server (Express)', urls.resources.express],
    ['Resource server (Koa)', urls.resources.koa],
    ['Resource server (Fastify)', urls.resources.fastify],
    ['Single-page app', urls.spa],
    ['Metrics (Prometheus)', 'GET /metrics on the authorization server and on each resource server'],
    ['State', system.state === 'redis' ? 'Redis (REDIS_URL)' : 'in memory'],
    ['Nonces', system.nonce === 'always' ? 'required by every server (DPOP_NONCE=always)' : 'off'],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')
}

const system = await (async () => {
  const redisUrl = redisUrlFromEnvironment(process.env)
  return createSystem({
    ports: portsFromEnvironment(process.env),
    nonce: nonceFromEnvironment(process.env),
    ...(redisUrl === undefined ? {} : { redisUrl }),
  })
})().catch((error: unknown) => {
  console.error(`Could not start the DPoP example: ${describeStartError(error)}`)
  process.exit(1)
})

console.log(`DPoP example running on loopback:\n\n${table(system)}\n`)
console.log(
  'Open the single-page app and press "Sign in", or run `pnpm --filter example demo` in another terminal.',
)
console.log('Press Ctrl+C to stop.')

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: closing…`)
    system.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
