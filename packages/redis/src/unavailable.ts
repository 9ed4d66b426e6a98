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
export async function guarded<T>(timeout: number, operation: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeout} ms`)), timeout)
  })
  try {
    return await Promise.race([operation(), expired])
  } catch (cause) {
    throw unavailable(cause)
  } finally {
    clearTimeout(timer)
  }
}

export function assertTimeout(timeout: unknown, where: string): number {
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError(`${where}: timeout must be a positive number of milliseconds`)
  }
  return timeout
}
