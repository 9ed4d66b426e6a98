import type { ReplayStore } from '@dpop/core'
import type { ResolvedConfig } from './config.js'
import { guardStorage } from './guard-storage.js'
import { sha256 } from './hash.js'
import { loadSigningKeys, type SigningKey } from './signing-keys.js'
import type { ClientRecord, Storage } from './storage.js'

/** What every endpoint handler shares. */
export interface ServerContext {
  config: ResolvedConfig
  /** The configured storage; failures surface as 503 `temporarily_unavailable`. */
  storage: Storage
  /** The configured replay store, remembering each `jti` for at least `jtiCacheTime`. */
  replayStore: ReplayStore
  signingKeys(): Promise<SigningKey[]>
  /** A static or registered client, `undefined` when unknown or expired. */
  getClient(clientId: string): Promise<ClientRecord | undefined>
  /** Origins any static client allows (CORS preflights happen before the client is known). */
  staticOrigins: ReadonlySet<string>
  /** Epoch seconds. */
  nowSeconds(): number
}

export function createServerContext(config: ResolvedConfig): ServerContext {
  const storage = guardStorage(config.storage)
  let keys: Promise<SigningKey[]> | undefined
  let staticClients: Promise<Map<string, ClientRecord>> | undefined
  const hashStaticClients = async () => {
    const clients = new Map<string, ClientRecord>()
    for (const [clientId, { record, secret }] of config.staticClients) {
      clients.set(
        clientId,
        secret === undefined ? record : { ...record, clientSecretHash: await sha256(secret) },
      )
    }
    return clients
  }
  const staticOrigins = new Set<string>()
  for (const { record } of config.staticClients.values())
    for (const origin of record.allowedOrigins ?? []) staticOrigins.add(origin)
  const { replayStore, now, dpop } = config

  return {
    config,
    storage,
    replayStore: {
      // Core reserves for the proof's acceptance window; jtiCacheTime may ask for longer.
      reserve: (key, expiresAt) =>
        replayStore.reserve(key, Math.max(expiresAt, now() + dpop.jtiCacheTime * 1000)),
      // The store's synchronous answer when it has one (the in-memory store does), as core would use it.
      reserveSync: (key, expiresAt) =>
        replayStore.reserveSync?.(key, Math.max(expiresAt, now() + dpop.jtiCacheTime * 1000)),
    },
    signingKeys() {
      keys ??= loadSigningKeys(config.signingKeys)
      return keys
    },
    async getClient(clientId) {
      staticClients ??= hashStaticClients()
      const known = (await staticClients).get(clientId)
      if (known !== undefined) return known
      if (!config.registrationEnabled) return undefined
      const registered = await storage.getClient(clientId)
      if (registered === undefined || (registered.expiresAt !== undefined && registered.expiresAt <= now()))
        return undefined
      return registered
    },
    staticOrigins,
    nowSeconds: () => Math.floor(now() / 1000),
  }
}
