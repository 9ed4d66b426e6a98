import { readFile, stat } from 'node:fs/promises'
import {
  calculateJwkThumbprint,
  type DPoPAlgorithm,
  importJwk,
  isSupportedAlgorithm,
  SUPPORTED_ALGORITHMS,
} from '@dpop/core'
import type { JWK } from 'jose'
import { UsageError } from './usage-error.js'

/** A key file's key pair, ready to sign proofs. */
export interface LoadedKey {
  /** The private key is non-extractable; the public one is exported into every proof's `jwk`. */
  keyPair: CryptoKeyPair
  alg: DPoPAlgorithm
  /** The RFC 7638 members of the public key. */
  publicJwk: JWK
  /** The RFC 7638 thumbprint: the `jkt` a token bound to this key carries. */
  thumbprint: string
}

const KEY_TYPES = new Set(['EC', 'RSA', 'OKP'])
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'e', 'n'] as const
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'unreadable'
}

/** Reads and parses a JWK file: one JSON object of an asymmetric key type. */
export async function readJwkFile(path: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read key file ${path} (${describe(error)})`)
  }
  let jwk: unknown
  try {
    jwk = JSON.parse(text)
  } catch {
    throw new UsageError(`key file ${path} is not JSON (expected a JWK, as written by dpop keygen)`)
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new UsageError(`key file ${path} is not a JWK object`)
  }
  const members = jwk as Record<string, unknown>
  if (members.kty === 'oct')
    throw new UsageError(`key file ${path} holds a symmetric key; DPoP needs EC, RSA or OKP`)
  if (typeof members.kty !== 'string' || !KEY_TYPES.has(members.kty)) {
    throw new UsageError(`key file ${path} is not an EC, RSA or OKP JWK`)
  }
  return members
}

/** The public members of a JWK (RFC 7638 §3.2): what goes in a proof and into the thumbprint. */
export function publicJwkOf(jwk: Record<string, unknown>): JWK {
  const result: Record<string, unknown> = {}
  for (const name of PUBLIC_MEMBERS) if (jwk[name] !== undefined) result[name] = jwk[name]
  return result as JWK
}

/** The RFC 7638 thumbprint of a JWK's public part; a usage error when members are missing. */
export async function thumbprintOf(jwk: Record<string, unknown>, path: string): Promise<string> {
  try {
    return await calculateJwkThumbprint(publicJwkOf(jwk))
  } catch {
    throw new UsageError(`key file ${path} is missing members of its key type`)
  }
}

export interface LoadKeyFileOptions {
  /** The algorithm when the file has no `alg`. */
  alg?: string | undefined
  /** Receives a warning when others may read the private key. */
  warn?: (line: string) => void
}

/**
 * Loads a private JWK file for signing. Its algorithm is the file's `alg`, else `options.alg`; both given must
 * agree.
 */
export async function loadKeyFile(path: string, options: LoadKeyFileOptions = {}): Promise<LoadedKey> {
  const { alg, warn } = options
  const jwk = await readJwkFile(path)
  if (typeof jwk.d !== 'string') {
    throw new UsageError(`key file ${path} is a public key; signing proofs needs the private JWK (with "d")`)
  }
  // Like ssh: a private key others can read is worth a word (file modes mean little on Windows).
  if (warn !== undefined && process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) {
    warn(`warning: key file ${path} is readable by other users (chmod 600 ${path})`)
  }
  const fileAlg = jwk.alg
  if (fileAlg !== undefined && typeof fileAlg !== 'string')
    throw new UsageError(`key file ${path} has an invalid "alg"`)
  if (fileAlg !== undefined && alg !== undefined && fileAlg !== alg) {
    throw new UsageError(`--alg ${alg} does not match the key file's alg ${fileAlg}`)
  }
  const chosen = fileAlg ?? alg
  if (chosen === undefined)
    throw new UsageError(`key file ${path} has no "alg": pass --alg (e.g. --alg ES256)`)
  if (!isSupportedAlgorithm(chosen)) {
    throw new UsageError(`unsupported alg ${chosen} (supported: ${SUPPORTED_ALGORITHMS.join(', ')})`)
  }
  const publicJwk = publicJwkOf(jwk)
  const privateJwk: Record<string, unknown> = { ...publicJwk }
  for (const name of PRIVATE_MEMBERS) if (jwk[name] !== undefined) privateJwk[name] = jwk[name]
  let keyPair: CryptoKeyPair
  try {
    // importJwk also checks that the key fits alg (an Ed448 key is not an Ed25519 one, RFC 9864 §2).
    const [privateKey, publicKey] = await Promise.all([
      importJwk(privateJwk as JWK, chosen, { extractable: false }),
      importJwk(publicJwk, chosen, { extractable: true }),
    ])
    keyPair = { privateKey, publicKey }
  } catch {
    throw new UsageError(`key file ${path} does not hold a valid ${chosen} private key`)
  }
  return { keyPair, alg: chosen, publicJwk, thumbprint: await thumbprintOf(jwk, path) }
}
