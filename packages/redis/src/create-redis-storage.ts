import type {
  AccessTokenRecord,
  ClientRecord,
  CodeRecord,
  CodeRedemptionRecord,
  InteractionRecord,
  PushedRequestRecord,
  RefreshTokenRecord,
  Storage,
} from '@dpop/server'
import { assertPrefix, expiryArgument, keyPart } from './keys.js'
import { asCaller, type RedisConnection } from './redis-connection.js'
import { addMemberScript, revokeGrantScript, rotateScript } from './refresh-token-scripts.js'
import { assertTimeout, guarded, unavailable } from './unavailable.js'
import { decodeRecord, encodeRecord } from './versioned-json.js'

/** Options of {@link createRedisStorage}. */
export interface RedisStorageOptions {
  /**
   * Prepended to every key; no braces (the only hash tags are the stores' own `{grant:<id>}`).
   * @default 'dpop:'
   */
  prefix?: string
  /**
   * Upper bound in milliseconds on one storage call, on top of the client's own `commandTimeout`: past
   * it the call rejects and the authorization server answers 503 `temporarily_unavailable`.
   * @default 2000
   */
  timeout?: number
}

/**
 * The authorization server's `Storage` on Redis ≥ 6.2, shared by every instance. Every record is
 * versioned JSON (`{"v":1,…}`) stored with `PXAT` its `expiresAt`; codes, pushed requests and
 * interactions are consumed with one `GETDEL`; refresh token rotation and grant revocation are Lua
 * scripts over keys of one `{grant:<id>}` hash tag, so they stay atomic on Redis Cluster.
 *
 * Keys: `client:<id>`, `code:<hash>`, `redeemed:<hash>`, `par:<id>`, `interaction:<id>`, `rt:<hash>` (the
 * record), `{grant:<id>}:used:<hash>`, `{grant:<id>}:revoked`, `{grant:<id>}:longest`, `at:<hash>`,
 * `revoked-jti:<jti>`, each after the prefix. Only clients registered without `expiresAt` never expire.
 */
export function createRedisStorage(redis: RedisConnection, options: RedisStorageOptions = {}): Storage {
  const caller = asCaller(redis)
  const prefix = assertPrefix(options.prefix ?? 'dpop:', 'createRedisStorage')
  const timeout = assertTimeout(options.timeout ?? 2000, 'createRedisStorage')
  const key = (kind: string, id: string) => `${prefix}${kind}:${keyPart(id)}`
  const grant = (grantId: string) => `${prefix}{grant:${keyPart(grantId)}}`
  const usedKey = (grantId: string, tokenHash: string) => `${grant(grantId)}:used:${keyPart(tokenHash)}`

  const save = (redisKey: string, record: { expiresAt: number }, where: string) => {
    const at = expiryArgument(record.expiresAt, where)
    return guarded(timeout, () => caller.call('SET', redisKey, encodeRecord(record), 'PXAT', at))
  }
  const read = async <T>(command: 'GET' | 'GETDEL', redisKey: string) =>
    decodeRecord<T>(await guarded(timeout, () => caller.call(command, redisKey)))
  const readRefreshToken = (tokenHash: string) => read<RefreshTokenRecord>('GET', key('rt', tokenHash))

  return {
    async getClient(clientId) {
      return read<ClientRecord>('GET', key('client', clientId))
    },
    async saveClient(record) {
      const redisKey = key('client', record.clientId)
      if (record.expiresAt !== undefined) {
        await save(redisKey, { ...record, expiresAt: record.expiresAt }, 'saveClient')
        return
      }
      await guarded(timeout, () => caller.call('SET', redisKey, encodeRecord(record)))
    },

    async saveCode(codeHash, record) {
      await save(key('code', codeHash), record, 'saveCode')
    },
    async consumeCode(codeHash) {
      return read<CodeRecord>('GETDEL', key('code', codeHash))
    },
    async saveCodeRedemption(codeHash, record) {
      await save(key('redeemed', codeHash), record, 'saveCodeRedemption')
    },
    async consumeCodeRedemption(codeHash) {
      return read<CodeRedemptionRecord>('GETDEL', key('redeemed', codeHash))
    },

    async savePushedRequest(id, record) {
      await save(key('par', id), record, 'savePushedRequest')
    },
    async consumePushedRequest(id) {
      return read<PushedRequestRecord>('GETDEL', key('par', id))
    },

    async saveInteraction(id, record) {
      await save(key('interaction', id), record, 'saveInteraction')
    },
    async getInteraction(id) {
      return read<InteractionRecord>('GET', key('interaction', id))
    },
    async consumeInteraction(id) {
      return read<InteractionRecord>('GETDEL', key('interaction', id))
    },

    async saveRefreshToken(tokenHash, record) {
      const at = expiryArgument(record.expiresAt, 'saveRefreshToken')
      // Grant markers first: a token is only findable once its grant's markers outlive it.
      await guarded(timeout, () =>
        addMemberScript.run(
          caller,
          [`${grant(record.grantId)}:longest`, `${grant(record.grantId)}:revoked`],
          [at],
        ),
      )
      await save(key('rt', tokenHash), record, 'saveRefreshToken')
    },
    async getRefreshToken(tokenHash) {
      const record = await readRefreshToken(tokenHash)
      if (record === undefined) return undefined
      const reply = await guarded(timeout, () =>
        caller.call('MGET', usedKey(record.grantId, tokenHash), `${grant(record.grantId)}:revoked`),
      )
      const [used, revoked] = Array.isArray(reply) ? reply : []
      const status = revoked != null ? 'revoked' : used != null ? 'used' : 'active'
      return { record, status }
    },
    async rotateRefreshToken(tokenHash) {
      // The record never changes, so reading it first is safe; the state change is one script.
      const record = await readRefreshToken(tokenHash)
      if (record === undefined) return undefined
      const at = expiryArgument(record.expiresAt, 'rotateRefreshToken')
      const status = await guarded(timeout, () =>
        rotateScript.run(
          caller,
          [usedKey(record.grantId, tokenHash), `${grant(record.grantId)}:revoked`],
          [at],
        ),
      )
      if (status !== 'rotated' && status !== 'reused' && status !== 'revoked') {
        throw unavailable(new Error('unexpected reply from the rotation script'))
      }
      return { record, status }
    },
    async revokeGrant(grantId, expiresAt) {
      const at = expiryArgument(expiresAt, 'revokeGrant')
      await guarded(timeout, () =>
        revokeGrantScript.run(caller, [`${grant(grantId)}:revoked`, `${grant(grantId)}:longest`], [at]),
      )
    },
    async isGrantRevoked(grantId) {
      return (await guarded(timeout, () => caller.call('EXISTS', `${grant(grantId)}:revoked`))) === 1
    },

    async saveAccessToken(tokenHash, record) {
      await save(key('at', tokenHash), record, 'saveAccessToken')
    },
    async getAccessToken(tokenHash) {
      return read<AccessTokenRecord>('GET', key('at', tokenHash))
    },

    async revokeAccessToken(jti, expiresAt) {
      const at = expiryArgument(expiresAt, 'revokeAccessToken')
      await guarded(timeout, () => caller.call('SET', key('revoked-jti', jti), '1', 'PXAT', at))
    },
    async isAccessTokenRevoked(jti) {
      return (await guarded(timeout, () => caller.call('EXISTS', key('revoked-jti', jti)))) === 1
    },
  }
}
