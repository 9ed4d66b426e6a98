import { createProof, SUPPORTED_ALGORITHMS } from '@dpop/core'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { Command } from '../command.js'
import { loadKeyFile } from '../key-file.js'
import { methodOption, secondsOption, urlOption } from '../option-values.js'

export const proofCommand: Command = {
  name: 'proof',
  summary: 'print a DPoP proof JWT for one request (for curl -H "DPoP: …")',
  usage: 'dpop proof --key FILE --htm METHOD --htu URL [--token AT] [--nonce N] [--iat S]',
  description: [
    'Signs a DPoP proof (RFC 9449 §4.2) for one HTTP request with the private key in FILE and prints only',
    'the proof, so it can be pasted into a header: -H "DPoP: $(dpop proof …)". Each proof has a fresh "jti":',
    'servers reject a proof used twice, so make a new one for every request.',
  ].join('\n'),
  positionals: [],
  options: {
    key: { type: 'string', placeholder: 'FILE', description: 'private JWK file (dpop keygen --out FILE)' },
    htm: {
      type: 'string',
      placeholder: 'METHOD',
      description: 'HTTP method of the request, as sent (e.g. POST)',
    },
    htu: {
      type: 'string',
      placeholder: 'URL',
      description: 'target URL; query and fragment are left out of the proof',
    },
    token: {
      type: 'string',
      placeholder: 'AT',
      description: 'access token the request carries: adds "ath" (§7.1)',
    },
    nonce: {
      type: 'string',
      placeholder: 'N',
      description: 'server nonce from a DPoP-Nonce header (§8, §9)',
    },
    iat: { type: 'string', placeholder: 'S', description: 'issued-at in epoch seconds (default now)' },
    alg: {
      type: 'string',
      placeholder: 'ALG',
      description: `algorithm when the key file has no "alg" (${SUPPORTED_ALGORITHMS.join(', ')})`,
    },
  },
  examples: [
    'curl -X POST https://as.example.com/oauth2/token \\',
    '  -H "DPoP: $(dpop proof --key key.jwk --htm POST --htu https://as.example.com/oauth2/token)" \\',
    '  -d grant_type=client_credentials',
  ],
  async run({ arguments: args, json, print, warn, io }) {
    const keyPath = args.requireString('key')
    const htm = methodOption(args.requireString('htm'))
    const htu = urlOption('htu', args.requireString('htu')).href
    const token = args.string('token')
    const nonce = args.string('nonce')
    const iatOption = args.string('iat')
    const iat =
      iatOption === undefined
        ? Math.floor((io.now ?? Date.now)() / 1000)
        : secondsOption('iat', iatOption, { allowNegative: false })
    const key = await loadKeyFile(keyPath, { alg: args.string('alg'), warn })
    const proof = await createProof(key.keyPair, {
      htm,
      htu,
      iat,
      alg: key.alg,
      ...(token === undefined ? {} : { accessToken: token }),
      ...(nonce === undefined ? {} : { nonce }),
    })
    print(
      json
        ? JSON.stringify({
            proof,
            header: decodeProtectedHeader(proof),
            claims: decodeJwt(proof),
            jkt: key.thumbprint,
          })
        : proof,
    )
    return 0
  },
}
