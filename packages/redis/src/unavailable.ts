import { DPoPError, isDPoPError } from '@dpop/core'

/** Maps a Redis failure to 503 `temporarily_unavailable`, keeping the original error as `cause` for logs. */
export function unavailable(cause: unknown): DPoPError {
  if (isDPoPError(cause) && cause.code === 'temporarily_unavailable') return cause
  return new DPoPError('temporarily_unavailable', 'redis_unavailable', {
    status: 503,
    description: 'the server is temporarily unavailable',
    cause,
  })
}

/**
 * Runs one Redis operation, rejecting with 503 when it fails or takes longer than `timeout` ms, so that
 * a caller never waits unbounded on a client configured without `commandTimeout`.
 */
export function guarded<T>(timeout: number, operation: () => Promise<T>): Promise<T> {
  // One promise and one timer per operation (this runs on every reservation): no race of two promises.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(unavailable(new Error(`Redis did not answer within ${timeout} ms`))),
      timeout,
    )
    const fail = (cause: unknown) => {
      clearTimeout(timer)
      reject(unavailable(cause))
    }
    let pending: Promise<T>
    try {
      pending = operation()
    } catch (cause) {
      fail(cause)
      return
    }
    pending.then((value) => {
      clearTimeout(timer)
      resolve(value)
    }, fail)
  })
}

export function assertTimeout(timeout: unknown, where: string): number {
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError(`${where}: timeout must be a positive number of milliseconds`)
  }
  return timeout
}
