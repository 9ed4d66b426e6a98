import type { ReplayStore } from '@dpop/core'

/**
 * The replay store with every reservation held until `holdUntil(expiresAt)`: core reserves for the proof's
 * acceptance window, jtiCacheTime may ask for longer. The store's synchronous answers stay available, as core
 * would use them on the store itself.
 */
export function holdReservations(store: ReplayStore, holdUntil: (expiresAt: number) => number): ReplayStore {
  const held: ReplayStore = {
    reserve: (key, expiresAt, issuedAt) => store.reserve(key, holdUntil(expiresAt), issuedAt),
    reserveSync: (key, expiresAt, issuedAt) => store.reserveSync?.(key, holdUntil(expiresAt), issuedAt),
  }
  const { reserveProofSync } = store
  if (typeof reserveProofSync === 'function') {
    held.reserveProofSync = (thumbprint, jti, expiresAt, issuedAt) =>
      reserveProofSync.call(store, thumbprint, jti, holdUntil(expiresAt), issuedAt)
  }
  return held
}
