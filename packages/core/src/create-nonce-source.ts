import { base64url } from 'jose'

/** One secret of a {@link NonceSource}: nonces carry its `id`, and are authenticated with HMAC-SHA256 under it. */
export interface NonceSecret {
  /** A short identifier carried in the nonce so the verifier finds the secret ([A-Za-z0-9_-], ≤ 16). */
  id: string
  /** At least 32 bytes of secret material. */
  secret: string | Uint8Array
}

/** Options of {@link createNonceSource}. */
export interface NonceSourceOptions {
  /** The first secret issues nonces; all of them verify, so rotation is "add a new first secret". */
  secrets: readonly NonceSecret[]
  /** Length of one time step in seconds. @default 60 */
  step?: number
  /** How many steps a nonce stays valid. @default 5 */
  window?: number
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number
}

/**
 * What {@link NonceSource.verify} found: `valid` (issued by this source for this server and not expired),
 * `stale` (issued here but expired: answer with a fresh nonce, RFC 9449 §8.2) or `invalid` (not a nonce of
 * this source or of this server).
 */
export type NonceVerification =
  | {
      /** The nonce was issued by this source for this server and is still within its window. */
      status: 'valid'
      /** True in the last step of its life: hand out a fresh one. */
      expiresSoon: boolean
    }
  | {
      /** The nonce was issued by this source but its window has passed. */
      status: 'stale'
    }
  | {
      /** The value is not a nonce this source issued for this server. */
      status: 'invalid'
    }

/**
 * Issues and checks server nonces (RFC 9449 §8, §9) without storage. `server` names the server that issues
 * and later checks the nonce (its role and issuer or resource identifier): a nonce issued for one server
 * never verifies for another, even when both use one source or one secret.
 */
export interface NonceSource {
  /** A fresh nonce for `server`, to send in the `DPoP-Nonce` response header. */
  issue(server?: string): Promise<string>
  /** Checks a nonce that a proof carried, for the same `server` it was issued for. */
  verify(nonce: unknown, server?: string): Promise<NonceVerification>
}

const ID = /^[A-Za-z0-9_-]{1,16}$/
const NONCE = /^([A-Za-z0-9_-]{1,16})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/
const encoder = new TextEncoder()

/** What the MAC covers: the secret id, the time step and, on a line of its own, the server's identity. */
function macInput(id: string, stepText: string, server: string | undefined): Uint8Array<ArrayBuffer> {
  return encoder.encode(server === undefined ? `${id}.${stepText}` : `${id}.${stepText}\n${server}`)
}

/**
 * Stateless nonces: `id.step.HMAC-SHA256(secret, id.step LF server)`. Every instance built from the same
 * secrets issues and accepts the same nonces for the same `server`, with no shared state; the server's
 * identity is folded into the MAC, not carried in the nonce, so one server's nonces are refused at another.
 */
export function createNonceSource(options: NonceSourceOptions): NonceSource {
  const step = options.step ?? 60
  const window = options.window ?? 5
  const now = options.now ?? Date.now
  if (!Array.isArray(options.secrets) || options.secrets.length === 0) {
    throw new TypeError('createNonceSource: secrets must hold at least one { id, secret }')
  }
  if (!(step > 0)) throw new TypeError('createNonceSource: step must be a positive number of seconds')
  if (!Number.isInteger(window) || window < 1)
    throw new TypeError('createNonceSource: window must be an integer ≥ 1')
  const ids = new Set<string>()
  const keys = new Map<string, Promise<CryptoKey>>()
  for (const { id, secret } of options.secrets) {
    if (typeof id !== 'string' || !ID.test(id)) {
      throw new TypeError('createNonceSource: each secret id must be 1-16 characters of [A-Za-z0-9_-]')
    }
    if (ids.has(id)) throw new TypeError('createNonceSource: secret ids must be unique')
    ids.add(id)
    const material = typeof secret === 'string' ? encoder.encode(secret) : secret
    if (!(material instanceof Uint8Array) || material.byteLength < 32) {
      throw new TypeError('createNonceSource: each secret must be at least 32 bytes')
    }
    keys.set(
      id,
      crypto.subtle.importKey('raw', material.slice(), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
        'verify',
      ]),
    )
  }
  const primary = (options.secrets[0] as NonceSecret).id
  const currentStep = () => Math.floor(now() / 1000 / step)

  return {
    async issue(server) {
      const stepText = currentStep().toString(36)
      const key = await (keys.get(primary) as Promise<CryptoKey>)
      const mac = await crypto.subtle.sign('HMAC', key, macInput(primary, stepText, server))
      return `${primary}.${stepText}.${base64url.encode(new Uint8Array(mac))}`
    },
    async verify(nonce, server) {
      if (typeof nonce !== 'string') return { status: 'invalid' }
      const match = NONCE.exec(nonce)
      if (!match) return { status: 'invalid' }
      const [, id, stepText, mac] = match as unknown as [string, string, string, string]
      const key = keys.get(id)
      if (key === undefined) return { status: 'invalid' }
      let signature: Uint8Array
      try {
        signature = base64url.decode(mac)
      } catch {
        return { status: 'invalid' }
      }
      // subtle.verify compares in constant time.
      const authentic = await crypto.subtle.verify(
        'HMAC',
        await key,
        signature.slice(),
        macInput(id, stepText, server),
      )
      if (!authentic) return { status: 'invalid' }
      const issuedStep = Number.parseInt(stepText, 36)
      const current = currentStep()
      // One step ahead is tolerated: instances' clocks may straddle a step boundary.
      if (issuedStep > current + 1) return { status: 'invalid' }
      if (issuedStep <= current - window) return { status: 'stale' }
      return { status: 'valid', expiresSoon: issuedStep <= current - window + 1 }
    },
  }
}
