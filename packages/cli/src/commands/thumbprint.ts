import type { Command } from '../command.js'
import { readJwkFile, thumbprintOf } from '../key-file.js'
import { UsageError } from '../usage-error.js'

export const thumbprintCommand: Command = {
  name: 'thumbprint',
  summary: 'print the RFC 7638 thumbprint (jkt) of a public or private JWK',
  usage: 'dpop thumbprint FILE',
  description: [
    'Prints the RFC 7638 SHA-256 thumbprint of the public part of the JWK in FILE (a public or a',
    'private key): the value of a DPoP-bound token\'s "cnf.jkt" and of "dpop_jkt" (RFC 9449 §6, §10).',
  ].join('\n'),
  positionals: [{ name: 'FILE', description: 'a JWK file (public or private)' }],
  options: {},
  examples: ['dpop thumbprint key.jwk'],
  async run({ arguments: args, json, print }) {
    const path = args.positionals[0]
    if (path === undefined) throw new UsageError('missing the key FILE argument')
    const jwk = await readJwkFile(path)
    const thumbprint = await thumbprintOf(jwk, path)
    print(json ? JSON.stringify({ thumbprint }) : thumbprint)
    return 0
  },
}
