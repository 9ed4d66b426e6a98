import { createDPoPHandle, type DPoPHandle } from '@dpop/client'
import { isSupportedAlgorithm, SUPPORTED_ALGORITHMS } from '@dpop/core'
import { type LoadKeyFileOptions, loadKeyFile } from './key-file.js'
import { UsageError } from './usage-error.js'

/**
 * A DPoP handle (nonces per origin, server clock) on the key file at `path`, or on a new key pair that lives
 * only as long as the process when `path` is undefined. `options.warn` hears of a key file others can read.
 */
export async function loadSigningKey(
  path: string | undefined,
  options: LoadKeyFileOptions = {},
): Promise<DPoPHandle> {
  const { alg } = options
  if (path === undefined) {
    const chosen = alg ?? 'ES256'
    if (!isSupportedAlgorithm(chosen)) {
      throw new UsageError(`unsupported --alg (supported: ${SUPPORTED_ALGORITHMS.join(', ')})`)
    }
    return createDPoPHandle({ alg: chosen })
  }
  const key = await loadKeyFile(path, options)
  return createDPoPHandle({ keyPair: key.keyPair, alg: key.alg })
}
