import { createSystem, type DemoSystem } from './create-system.js'
import { formatCounterChanges, scrapeCounters } from './demo-counters.js'
import { nonceFromEnvironment, portsFromEnvironment, redisUrlFromEnvironment } from './environment.js'
import { runDemo } from './run-demo.js'
import { describeStartError } from './user-error.js'

/** Says what to change in one line, without a stack trace, and exits. */
function stop(error: unknown): never {
  console.error(`The demo could not run: ${describeStartError(error)}`)
  process.exit(1)
}

let ports: ReturnType<typeof portsFromEnvironment>
let redisUrl: string | undefined
let nonce: ReturnType<typeof nonceFromEnvironment>
try {
  ports = portsFromEnvironment(process.env)
  redisUrl = redisUrlFromEnvironment(process.env)
  nonce = nonceFromEnvironment(process.env)
} catch (error) {
  stop(error)
}
const issuer = `http://localhost:${ports.authorizationServer}`

async function isRunning(): Promise<boolean> {
  try {
    const response = await fetch(`${issuer}/.well-known/oauth-authorization-server`, {
      signal: AbortSignal.timeout(1500),
    })
    await response.body?.cancel()
    return response.ok
  } catch {
    return false
  }
}

let system: DemoSystem | undefined
let resources = {
  express: `http://localhost:${ports.express}/api/me`,
  koa: `http://localhost:${ports.koa}/api/me`,
  fastify: `http://localhost:${ports.fastify}/api/me`,
}
if (await isRunning()) {
  console.log(`Using the system running at ${issuer}\n`)
} else {
  console.log(`Nothing answers at ${issuer}: starting the system in this process\n`)
  system = await createSystem({ ports, nonce, ...(redisUrl === undefined ? {} : { redisUrl }) }).catch(stop)
  resources = { ...system.urls.resources }
}

const servers = [
  { name: `authorization server (${system?.urls.issuer ?? issuer})`, url: system?.urls.issuer ?? issuer },
  ...Object.entries(resources).map(([name, url]) => ({ name: `${name} API (${new URL(url).origin})`, url })),
]
const scrape = () => Promise.all(servers.map((server) => scrapeCounters(server.url)))

let failed = 0
try {
  const before = await scrape()
  const steps = await runDemo({
    issuer: system?.urls.issuer ?? issuer,
    resources: Object.entries(resources).map(([name, url]) => ({ name, url })),
    print: (text) => console.log(text),
  })
  failed = steps.filter((step) => !step.ok).length
  const after = await scrape()
  console.log(
    `${formatCounterChanges(
      servers.map((server, index) => ({
        name: server.name,
        ...(before[index] === undefined ? {} : { before: before[index] }),
        ...(after[index] === undefined ? {} : { after: after[index] }),
      })),
    )}\n`,
  )
  console.log(
    failed === 0
      ? `All ${steps.length} steps behaved as RFC 9449 requires.`
      : `${failed} of ${steps.length} steps did not behave as expected.`,
  )
} catch (error) {
  failed = 1
  console.error(`The demo could not run: ${describeStartError(error)}`)
} finally {
  await system?.close()
}
process.exitCode = failed === 0 ? 0 : 1
