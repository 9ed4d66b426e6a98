import { chmod, writeFile } from 'node:fs/promises'
import { generateKeyPair, isSupportedAlgorithm, SUPPORTED_ALGORITHMS } from '@dpop/core'
import { exportJWK } from 'jose'
import type { Command } from '../command.js'
import { thumbprintOf } from '../key-file.js'
import { UsageError } from '../usage-error.js'

const KEY_MEMBERS = ['kty', 'crv', 'x', 'y', 'e', 'n', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const

async function writePrivateFile(path: string, content: string, force: boolean): Promise<void> {
  try {
    // `wx` refuses an existing file atomically; mode 0600 because this is a private key.
    await writeFile(path, content, { mode: 0o600, flag: force ? 'w' : 'wx' })
    // An overwritten file keeps its old mode: tighten it.
    if (force) await chmod(path, 0o600)
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    if (code === 'EEXIST') throw new UsageError(`${path} already exists (use --force to overwrite it)`)
    throw new UsageError(`cannot write ${path} (${typeof code === 'string' ? code : 'write failed'})`)
  }
}

export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'generate a DPoP key pair as a private JWK and print its thumbprint',
  usage: 'dpop keygen [--alg ES256] [--out FILE [--force]]',
  description: [
    'Generates a key pair for DPoP proofs and writes the private key as a JWK (with its "alg") to FILE,',
    'readable by you only (mode 0600), then prints its RFC 7638 thumbprint: the "jkt" that tokens bound',
    'to this key carry. Without --out the JWK is printed on stdout (and the thumbprint on stderr).',
  ].join('\n'),
  positionals: [],
  options: {
    alg: {
      type: 'string',
      placeholder: 'ALG',
      description: `signature algorithm: ${SUPPORTED_ALGORITHMS.join(', ')} (default ES256)`,
    },
    out: { type: 'string', placeholder: 'FILE', description: 'write the private JWK to FILE (mode 0600)' },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
  },
  examples: ['dpop keygen --out key.jwk', 'dpop keygen --alg EdDSA --out ed25519.jwk --json'],
  async run({ arguments: args, json, print, warn }) {
    const alg = args.string('alg') ?? 'ES256'
    if (!isSupportedAlgorithm(alg)) {
      throw new UsageError(`unsupported --alg (supported: ${SUPPORTED_ALGORITHMS.join(', ')})`)
    }
    const out = args.string('out')
    if (out === '') throw new UsageError('--out needs a file name')
    if (args.flag('force') && out === undefined) throw new UsageError('--force only applies with --out')
    const { privateKey } = await generateKeyPair(alg, { extractable: true })
    const exported = (await exportJWK(privateKey)) as Record<string, unknown>
    const jwk: Record<string, unknown> = {}
    for (const name of KEY_MEMBERS) if (exported[name] !== undefined) jwk[name] = exported[name]
    jwk.alg = alg
    const thumbprint = await thumbprintOf(jwk, 'generated key')
    if (out !== undefined) {
      await writePrivateFile(out, `${JSON.stringify(jwk, null, 2)}\n`, args.flag('force'))
      print(json ? JSON.stringify({ alg, thumbprint, file: out }) : thumbprint)
      return 0
    }
    if (json) {
      print(JSON.stringify({ alg, thumbprint, jwk }))
    } else {
      print(JSON.stringify(jwk, null, 2))
      warn(`thumbprint: ${thumbprint}`)
    }
    return 0
  },
}
