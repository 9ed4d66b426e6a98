import type {
  AccessTokenRecord,
  ClientRecord,
  CodeRecord,
  CodeRedemptionRecord,
  InteractionRecord,
  PushedRequestRecord,
  RefreshTokenLookup,
  RefreshTokenRecord,
  RefreshTokenRotation,
  Storage,
} from './storage.js'

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number
}

interface Expiring {
  expiresAt?: number
}

/** A map whose entries vanish at their `expiresAt`; expired entries are swept on access. */
class ExpiringMap<V extends Expiring> {
  readonly #entries = new Map<string, V>()
  readonly #now: () => number

  constructor(now: () => number) {
    this.#now = now
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key)
    if (value === undefined) return undefined
    if (value.expiresAt !== undefined && value.expiresAt <= this.#now()) {
      this.#entries.delete(key)
      return undefined
    }
    return value
  }

  set(key: string, value: V): void {
    this.#sweep()
    this.#entries.set(key, value)
  }

  take(key: string): V | undefined {
    const value = this.get(key)
    this.#entries.delete(key)
    return value
  }

  // A few expired entries per write keeps memory bounded by the live set without a timer.
  #sweep(): void {
    let budget = 4
    const now = this.#now()
    for (const [key, value] of this.#entries) {
      if (budget-- <= 0) return
      if (value.expiresAt !== undefined && value.expiresAt <= now) this.#entries.delete(key)
    }
  }
}

const clone = <T>(value: T): T => structuredClone(value)

/**
 * In-process `Storage` for a single server instance (tests, development). Several instances must share a
 * store such as `@dpop/redis`. Each method runs synchronously inside its promise, which makes it atomic.
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): Storage {
  const now = options.now ?? Date.now
  const clients = new ExpiringMap<ClientRecord>(now)
  const codes = new ExpiringMap<CodeRecord>(now)
  const redemptions = new ExpiringMap<CodeRedemptionRecord>(now)
  const pushed = new ExpiringMap<PushedRequestRecord>(now)
  const interactions = new ExpiringMap<InteractionRecord>(now)
  const refreshTokens = new ExpiringMap<{ record: RefreshTokenRecord; used: boolean; expiresAt: number }>(now)
  const revokedGrants = new ExpiringMap<{ expiresAt: number }>(now)
  // The latest expiry of each grant's refresh tokens: a revocation outlives every member.
  const grantEnds = new ExpiringMap<{ expiresAt: number }>(now)
  const revokeUntil = (grantId: string, expiresAt: number) => {
    const until = Math.max(expiresAt, grantEnds.get(grantId)?.expiresAt ?? 0)
    const current = revokedGrants.get(grantId)?.expiresAt ?? 0
    if (until > current) revokedGrants.set(grantId, { expiresAt: until })
  }
  const accessTokens = new ExpiringMap<AccessTokenRecord>(now)
  const revokedAccessTokens = new ExpiringMap<{ expiresAt: number }>(now)

  return {
    async getClient(clientId) {
      const record = clients.get(clientId)
      return record === undefined ? undefined : clone(record)
    },
    async saveClient(record) {
      clients.set(record.clientId, clone(record))
    },
    async saveCode(codeHash, record) {
      codes.set(codeHash, clone(record))
    },
    async consumeCode(codeHash) {
      return codes.take(codeHash)
    },
    async saveCodeRedemption(codeHash, record) {
      redemptions.set(codeHash, clone(record))
    },
    async consumeCodeRedemption(codeHash) {
      return redemptions.take(codeHash)
    },
    async savePushedRequest(id, record) {
      pushed.set(id, clone(record))
    },
    async consumePushedRequest(id) {
      return pushed.take(id)
    },
    async saveInteraction(id, record) {
      interactions.set(id, clone(record))
    },
    async getInteraction(id) {
      const record = interactions.get(id)
      return record === undefined ? undefined : clone(record)
    },
    async consumeInteraction(id) {
      return interactions.take(id)
    },
    async saveRefreshToken(tokenHash, record) {
      const { grantId, expiresAt } = record
      if (expiresAt > (grantEnds.get(grantId)?.expiresAt ?? 0)) grantEnds.set(grantId, { expiresAt })
      if (revokedGrants.get(grantId) !== undefined) revokeUntil(grantId, expiresAt)
      refreshTokens.set(tokenHash, { record: clone(record), used: false, expiresAt: record.expiresAt })
    },
    async getRefreshToken(tokenHash): Promise<RefreshTokenLookup | undefined> {
      const entry = refreshTokens.get(tokenHash)
      if (entry === undefined) return undefined
      const status = revokedGrants.get(entry.record.grantId) ? 'revoked' : entry.used ? 'used' : 'active'
      return { record: clone(entry.record), status }
    },
    async rotateRefreshToken(tokenHash): Promise<RefreshTokenRotation | undefined> {
      const entry = refreshTokens.get(tokenHash)
      if (entry === undefined) return undefined
      if (revokedGrants.get(entry.record.grantId)) return { record: clone(entry.record), status: 'revoked' }
      if (entry.used) return { record: clone(entry.record), status: 'reused' }
      entry.used = true
      return { record: clone(entry.record), status: 'rotated' }
    },
    async revokeGrant(grantId, expiresAt) {
      revokeUntil(grantId, expiresAt)
    },
    async isGrantRevoked(grantId) {
      return revokedGrants.get(grantId) !== undefined
    },
    async saveAccessToken(tokenHash, record) {
      accessTokens.set(tokenHash, clone(record))
    },
    async getAccessToken(tokenHash) {
      const record = accessTokens.get(tokenHash)
      return record === undefined ? undefined : clone(record)
    },
    async revokeAccessToken(jti, expiresAt) {
      revokedAccessTokens.set(jti, { expiresAt })
    },
    async isAccessTokenRevoked(jti) {
      return revokedAccessTokens.get(jti) !== undefined
    },
  }
}
