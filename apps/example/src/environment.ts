import { DEFAULT_PORTS, PORT_VARIABLES, type SystemPorts } from './create-system.js'
import { UserError } from './user-error.js'

/** The ports from `AS_PORT`, `EXPRESS_PORT`, `KOA_PORT`, `FASTIFY_PORT` and `SPA_PORT`, else the defaults. */
export function portsFromEnvironment(environment: NodeJS.ProcessEnv): SystemPorts {
  const ports = { ...DEFAULT_PORTS }
  for (const [name, variable] of Object.entries(PORT_VARIABLES) as [keyof SystemPorts, string][]) {
    const value = environment[variable]?.trim()
    if (value === undefined || value === '') continue
    const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN
    if (!(port <= 65_535)) {
      const shown = value.length > 20 ? `${value.slice(0, 20)}…` : value
      throw new UserError(
        `${variable}=${shown} is not a port: set it to a number from 1 to 65535 (0 picks a free one)`,
      )
    }
    ports[name] = port
  }
  return ports
}

/** `REDIS_URL` when set and not empty; a value that is not a `redis://` or `rediss://` URL is refused. */
export function redisUrlFromEnvironment(environment: NodeJS.ProcessEnv): string | undefined {
  const value = environment['REDIS_URL']?.trim()
  if (value === undefined || value === '') return undefined
  // The value may carry a password: the message never repeats it.
  if (!/^rediss?:\/\/./.test(value) || !URL.canParse(value)) {
    throw new UserError(
      'REDIS_URL is not a Redis URL: use redis://host:port (rediss:// for TLS), e.g. REDIS_URL=redis://127.0.0.1:6379, or unset it to keep the state in memory',
    )
  }
  return value
}

/** Whether the servers require DPoP nonces (RFC 9449 §8, §9). */
export type NonceMode = 'off' | 'always'

/** `DPOP_NONCE=always` turns nonces on at the authorization server and the three resource servers. */
export function nonceFromEnvironment(environment: NodeJS.ProcessEnv): NonceMode {
  const value = environment['DPOP_NONCE']
  if (value === undefined || value === '' || value === 'off') return 'off'
  if (value === 'always') return 'always'
  throw new Error("DPOP_NONCE must be 'always' or 'off'")
}
