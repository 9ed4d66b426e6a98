import { DPoPError, isDPoPError } from '@dpop/core'
import type { Observer } from '../observability/observer.js'
import { clock } from '../observability/observer.js'
import type { Storage } from './storage.js'

type StorageMethod = (...args: unknown[]) => Promise<unknown>

/**
 * Wraps every storage call so that a failing store answers 503 `temporarily_unavailable` (the handler then
 * issues nothing), instead of a 500 or, worse, a success. A failure is logged and reported as
 * `store.unavailable`; with an `onEvent` hook each call is also timed (`store.call`).
 */
export function guardStorage(storage: Storage, observer?: Observer): Storage {
  const guarded = {} as Record<string, unknown>
  for (const name of Object.keys(storageMethods) as (keyof Storage)[]) {
    // Optional methods stay absent when the store lacks them, so callers can fall back.
    if (typeof storage[name] !== 'function') continue
    // Looked up on each call, as the store may replace its methods (a test double, a reconnecting client).
    const call = (args: unknown[]) => (storage[name] as StorageMethod).apply(storage, args)
    const unavailable = (cause: unknown): DPoPError => {
      observer?.logger.error(
        { source: 'authorization-server', store: 'storage', operation: name, err: cause },
        'DPoP authorization server storage unavailable',
      )
      observer?.emit?.({
        type: 'store.unavailable',
        source: 'authorization-server',
        store: 'storage',
        operation: name,
      })
      if (isDPoPError(cause) && cause.code === 'temporarily_unavailable') return cause
      return new DPoPError('temporarily_unavailable', 'storage_unavailable', {
        description: 'the server is temporarily unavailable',
        cause,
      })
    }
    const emit = observer?.emit
    guarded[name] =
      emit === undefined
        ? async (...args: unknown[]) => {
            try {
              return await call(args)
            } catch (cause) {
              throw unavailable(cause)
            }
          }
        : async (...args: unknown[]) => {
            const started = clock()
            let failed = true
            try {
              const result = await call(args)
              failed = false
              return result
            } catch (cause) {
              throw unavailable(cause)
            } finally {
              emit({
                type: 'store.call',
                source: 'authorization-server',
                store: 'storage',
                operation: name,
                failed,
                durationMs: clock() - started,
              })
            }
          }
  }
  return guarded as unknown as Storage
}

// The method list, checked by the compiler against the interface.
const storageMethods: Record<keyof Storage, true> = {
  getClient: true,
  saveClient: true,
  saveCode: true,
  consumeCode: true,
  saveCodeRedemption: true,
  consumeCodeRedemption: true,
  savePushedRequest: true,
  consumePushedRequest: true,
  saveInteraction: true,
  getInteraction: true,
  consumeInteraction: true,
  saveRefreshToken: true,
  getRefreshToken: true,
  rotateRefreshToken: true,
  revokeGrant: true,
  isGrantRevoked: true,
  saveAccessToken: true,
  getAccessToken: true,
  revokeAccessToken: true,
  isAccessTokenRevoked: true,
}
