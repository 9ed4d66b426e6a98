import { DEFAULT_PORTS, type SystemPorts } from './create-system.js'

const VARIABLES: Record<keyof SystemPorts, string> = {
  authorizationServer: 'AS_PORT',
  express: 'EXPRESS_PORT',
  koa: 'KOA_PORT',
  fastify: 'FASTIFY_PORT',
  spa: 'SPA_PORT',
}

/** The ports from `AS_PORT`, `EXPRESS_PORT`, `KOA_PORT`, `FASTIFY_PORT` and `SPA_PORT`, else the defaults. */
export function portsFromEnvironment(environment: NodeJS.ProcessEnv): SystemPorts {
  const ports = { ...DEFAULT_PORTS }
  for (const [name, variable] of Object.entries(VARIABLES) as [keyof SystemPorts, string][]) {
    const value = environment[variable]
    if (value === undefined || value === '') continue
    const port = Number(value)
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new Error(`${variable} must be a port number (0-65535)`)
    }
    ports[name] = port
  }
  return ports
}

/** `REDIS_URL` when set and not empty. */
export function redisUrlFromEnvironment(environment: NodeJS.ProcessEnv): string | undefined {
  const value = environment['REDIS_URL']
  return value === undefined || value === '' ? undefined : value
}
