import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { algorithmOfKey, importJwk, isSupportedAlgorithm, type JWK } from '@dpop/core'
import { exportJWK } from 'jose'
import type { DPoPKeyStore } from './key-store.js'

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'e', 'n'] as const

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT'
}

/**
 * Keeps the key pair of a Node service in a file: the private JWK (with its `alg`), written atomically
 * with mode 0600. Loading refuses a file that others can read and imports the private key
 * non-extractable, so only this store ever handles the exported key material.
 */
export function createFileKeyStore(path: string): DPoPKeyStore {
  if (typeof path !== 'string' || path === '') throw new TypeError('createFileKeyStore: path is required')
  return {
    needsExtractableKey: true,
    async load() {
      let text: string
      try {
        const info = await stat(path)
        if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
          throw new Error(`createFileKeyStore: ${path} is accessible to other users; run chmod 600 on it`)
        }
        text = await readFile(path, 'utf8')
      } catch (error) {
        if (isMissing(error)) return undefined
        throw error
      }
      let jwk: JWK
      try {
        jwk = JSON.parse(text) as JWK
      } catch (cause) {
        throw new Error(`createFileKeyStore: ${path} is not a JSON Web Key`, { cause })
      }
      if (
        typeof jwk !== 'object' ||
        jwk === null ||
        typeof jwk.d !== 'string' ||
        !isSupportedAlgorithm(jwk.alg)
      ) {
        throw new Error(`createFileKeyStore: ${path} does not hold a private JWK with a DPoP "alg"`)
      }
      const publicJwk: JWK = {}
      for (const member of PUBLIC_MEMBERS) if (jwk[member] !== undefined) publicJwk[member] = jwk[member]
      try {
        return {
          privateKey: await importJwk(jwk, jwk.alg, { extractable: false }),
          publicKey: await importJwk(publicJwk, jwk.alg, { extractable: true }),
        }
      } catch (cause) {
        throw new Error(`createFileKeyStore: ${path} does not hold a valid ${jwk.alg} private key`, { cause })
      }
    },
    async save(keyPair) {
      const jwk = { ...(await exportJWK(keyPair.privateKey)), alg: algorithmOfKey(keyPair.privateKey) }
      await mkdir(dirname(path), { recursive: true, mode: 0o700 })
      // Write a private temporary file and rename it, so no reader ever sees a partial or wider-open key.
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
      const file = await open(temporary, 'wx', 0o600)
      try {
        await file.writeFile(`${JSON.stringify(jwk)}\n`)
        await file.sync()
      } finally {
        await file.close()
      }
      try {
        await rename(temporary, path)
      } catch (error) {
        await rm(temporary, { force: true })
        throw error
      }
    },
    async delete() {
      await rm(path, { force: true })
    },
  }
}
