import type { ReplayStore } from '@dpop/core'
import type { DPoPServerEvent } from '../observability/events.js'
import type { DPoPLogger } from '../observability/logger.js'
import { observeReplayStore } from '../observability/observe-replay-store.js'
import type { ResolvedConfig } from './config.js'
import { guardStorage } from './guard-storage.js'
import { sha256 } from './hash.js'
import { holdReservations } from './hold-reservations.js'
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
  /** Reports an event to `onEvent`; `undefined` without a hook, so that no event is built. */
  emit: ((event: DPoPServerEvent) => void) | undefined
}

export function createServerContext(config: ResolvedConfig): ServerContext {
  const { observer } = config
  const emit = observer?.emit
  const storage = guardStorage(config.storage, observer)
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
  const { now, dpop } = config
  const replayStore =
    emit === undefined
      ? config.replayStore
      : observeReplayStore(config.replayStore, emit, 'authorization-server')

  return {
    config,
    storage,
    replayStore: holdReservations(replayStore, (expiresAt) =>
      Math.max(expiresAt, now() + dpop.jtiCacheTime * 1000),
    ),
    signingKeys() {
      keys ??= loadSigningKeys(config.signingKeys).then((loaded) => {
        if (observer !== undefined) logSigningKeys(observer.logger, loaded, config.signingKeys.length === 0)
        return loaded
      })
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
    emit,
  }
}

// Which key signs and which are only published (a rotation in progress), once, when they are loaded.
function logSigningKeys(logger: DPoPLogger, keys: readonly SigningKey[], generated: boolean): void {
  const [signing] = keys
  if (generated) {
    logger.warn(
      { kid: signing?.kid },
      'DPoP authorization server: no signingKeys configured, generated one ES256 key; its tokens stop verifying when the process restarts',
    )
    return
  }
  logger.info(
    { signingKid: signing?.kid, publishedKids: keys.map((key) => key.kid) },
    keys.length > 1
      ? 'DPoP authorization server signing keys loaded: the first signs, the others are published for rotation'
      : 'DPoP authorization server signing key loaded',
  )
}
