import { DPoPError, isDPoPError } from '@dpop/core'
import type { Storage } from './storage.js'

/**
 * Wraps every storage call so that a failing store answers 503 `temporarily_unavailable` (the handler then
 * issues nothing), instead of a 500 or, worse, a success.
 */
export function guardStorage(storage: Storage): Storage {
  const guarded = {} as Record<string, unknown>
  for (const name of Object.keys(storageMethods) as (keyof Storage)[]) {
    // Optional methods stay absent when the store lacks them, so callers can fall back.
    if (typeof storage[name] !== 'function') continue
    guarded[name] = async (...args: unknown[]) => {
      try {
        return await (storage[name] as (...args: unknown[]) => Promise<unknown>).apply(storage, args)
      } catch (cause) {
        if (isDPoPError(cause) && cause.code === 'temporarily_unavailable') throw cause
        throw new DPoPError('temporarily_unavailable', 'storage_unavailable', {
          description: 'the server is temporarily unavailable',
          cause,
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
