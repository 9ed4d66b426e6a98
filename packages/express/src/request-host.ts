import type { Request } from 'express'

type TrustProxy = (address: string | undefined, hop: number) => boolean

/**
 * The host (with port) the client addressed, after the app's `trust proxy` setting, the way Express 5's
 * `req.host` reads it. Express 4's `req.host` is the hostname without the port, so it cannot be used:
 * the `htu` of a proof on a non-default port would never match.
 */
export function requestHost(req: Request): string | undefined {
  const trust = req.app.get('trust proxy fn') as TrustProxy | undefined
  const forwarded = req.get('X-Forwarded-Host')
  if (forwarded && trust?.(req.socket.remoteAddress, 0)) {
    // A proxy appends to the list: the first value is the one the client sent to the first proxy.
    return forwarded.split(',', 1)[0]!.trimEnd()
  }
  return req.get('Host') || undefined
}
