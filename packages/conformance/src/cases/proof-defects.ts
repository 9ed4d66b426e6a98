import { signatureAlgorithm } from '@dpop/core'
import { base64url, type JWK } from 'jose'
import { encodeSegment, type ProofBuilder, randomId, type SigningKey, signText } from '../proof-builder.js'
import type { ResourceCredentials, RunContext } from '../run-context.js'
import type { Side } from '../side.js'
import type { ConformanceFamily } from '../types.js'

/** One defect of a proof (RFC 9449 §4.3), checked at the token endpoint and at every resource. */
export interface ProofDefect {
  id: string
  clause: string
  family: ConformanceFamily
  title: string
  /** One line for when the server accepts the defective proof. */
  hint: string
  /**
   * Why the defect cannot be tried at `side` (a string), or the key (and, at a resource, the token bound
   * to it) the proof must be signed with when it is not the controls' key.
   */
  prepare?(context: RunContext, side: Side): Promise<string | Partial<ResourceCredentials> | undefined>
  /** Any 4xx counts as the right answer (a size limit may act before DPoP is looked at). */
  anyRejection?: boolean
  /**
   * Judged on a proof without nonce first: RFC 9449 §4.3 step 11 lets a server judge freshness by the
   * nonce it issued instead of by `iat`.
   */
  freshness?: boolean
  build(builder: ProofBuilder, context: RunContext): Promise<string>
}

const step = (n: number) => `RFC 9449 §4.3 step ${n}`
const RSA_ALGORITHMS = ['PS256', 'RS256', 'PS384', 'RS384', 'PS512', 'RS512'] as const

/** A key of an RSA algorithm `side` accepts, with a token bound to it at a resource; or why there is none. */
async function rsaCredentials(
  context: RunContext,
  side: Side,
): Promise<string | Partial<ResourceCredentials>> {
  const advertised = await context.advertisedAlgorithms(side)
  const alg =
    advertised === undefined ? 'RS256' : RSA_ALGORITHMS.find((candidate) => advertised.includes(candidate))
  if (alg === undefined) {
    return 'no RSA algorithm is advertised here, so an RSA proof would be refused for its alg alone'
  }
  const key = await context.extraKey(alg)
  return side === 'token' ? { key } : context.credentialsFor(side, key)
}

/** The private members of `key` but `d`: an RSA private key given by its CRT members (RFC 7518 §6.3.2). */
function rsaPrivateWithoutD(key: SigningKey): JWK {
  const { kty, n, e, p, q, dp, dq, qi } = key.privateJwk ?? {}
  return { kty, n, e, p, q, dp, dq, qi } as JWK
}

/** `json` as a base64url segment with `=` padding: JSON whitespace is added until the encoding needs some. */
function paddedSegment(json: string): string {
  let text = json
  while (encodeSegment(text).length % 4 === 0) text = `{ ${text.slice(1)}`
  const segment = encodeSegment(text)
  return `${segment}${'='.repeat(4 - (segment.length % 4))}`
}

/** Signs `header.payload` with the payload segment spelled by `spell`, over the bytes sent (RFC 7515 §5.1). */
async function signSpelled(builder: ProofBuilder, spell: (json: string) => string): Promise<string> {
  const header = encodeSegment(JSON.stringify(builder.header()))
  const input = `${header}.${spell(JSON.stringify(await builder.claims()))}`
  const signature = await crypto.subtle.sign(
    signatureAlgorithm(builder.key.alg),
    builder.key.privateKey,
    new TextEncoder().encode(input),
  )
  return `${input}.${base64url.encode(new Uint8Array(signature))}`
}

/** A proof whose claims are valid except for `edit`. */
function withClaims(edit: (claims: Record<string, unknown>) => void) {
  return async (builder: ProofBuilder) => {
    const claims = await builder.claims()
    edit(claims)
    return builder.sign(builder.header(), claims)
  }
}

/** A proof whose header is valid except for `edit`. */
function withHeader(edit: (header: Record<string, unknown>) => void) {
  return async (builder: ProofBuilder) => {
    const header = builder.header()
    edit(header)
    return builder.sign(header, await builder.claims())
  }
}

function otherUrl(htu: string, edit: (url: URL) => void): string {
  const url = new URL(htu)
  edit(url)
  return url.href
}

const defaultPort = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80))

export const PROOF_DEFECTS: readonly ProofDefect[] = [
  {
    id: 'proof.syntax.not-jwt',
    clause: step(2),
    family: 'proof-syntax',
    title: 'DPoP header is not a JWT',
    hint: 'parse the DPoP header as a compact JWS and reject anything else',
    build: async () => 'this-is-not-a-jwt',
  },
  {
    id: 'proof.syntax.two-parts',
    clause: step(2),
    family: 'proof-syntax',
    title: 'JWT with two parts (no signature)',
    hint: 'require exactly three JWS segments and verify the signature',
    build: async (builder) => {
      const proof = await builder.valid()
      return proof.slice(0, proof.lastIndexOf('.'))
    },
  },
  {
    id: 'proof.syntax.bad-base64url',
    clause: step(2),
    family: 'proof-syntax',
    title: 'header segment that is not base64url',
    hint: 'decode JWS segments with strict base64url (no padding, no +, /, or other characters)',
    build: async (builder) => {
      const [header, ...rest] = (await builder.valid()).split('.')
      return [`${header}*!`, ...rest].join('.')
    },
  },
  {
    id: 'proof.syntax.non-json',
    clause: step(2),
    family: 'proof-syntax',
    title: 'signed header that is not JSON',
    hint: 'reject a proof whose header or payload is not a JSON object',
    build: async (builder) => {
      const claims = JSON.stringify(await builder.claims())
      return signText('{"typ":"dpop+jwt",', claims, builder.key.privateKey, builder.key.alg)
    },
  },
  {
    id: 'proof.syntax.padded',
    clause: `${step(2)}, RFC 7515 §2, §5.2`,
    family: 'proof-syntax',
    title: 'payload segment with "=" padding, signed over the bytes sent',
    hint: 'decode JWS segments as base64url without padding (RFC 7515 §2): "=" is not part of the encoding',
    build: (builder) => signSpelled(builder, paddedSegment),
  },
  {
    id: 'proof.syntax.whitespace',
    clause: `${step(2)}, RFC 7515 §2, §5.2`,
    family: 'proof-syntax',
    title: 'payload segment with a space inside, signed over the bytes sent',
    hint: 'decode JWS segments as strict base64url: a decoder that skips whitespace accepts other bytes than were meant',
    build: (builder) =>
      signSpelled(builder, (json) => {
        const segment = encodeSegment(json)
        return `${segment.slice(0, 12)} ${segment.slice(12)}`
      }),
  },
  {
    id: 'proof.size.oversized',
    clause: 'RFC 9449 §11.1',
    family: 'proof-syntax',
    title: 'proof of about 64 KB',
    hint: 'bound the proof length (a few KB) before parsing or verifying it',
    anyRejection: true,
    build: withClaims((claims) => {
      claims['padding'] = 'A'.repeat(64 * 1024)
    }),
  },
  {
    id: 'proof.typ.missing',
    clause: step(4),
    family: 'proof-header',
    title: 'no typ header',
    hint: 'require typ "dpop+jwt" (explicit typing keeps other JWTs from passing as proofs)',
    build: withHeader((header) => {
      delete header['typ']
    }),
  },
  {
    id: 'proof.typ.wrong',
    clause: step(4),
    family: 'proof-header',
    title: 'typ "JWT"',
    hint: 'require typ "dpop+jwt" exactly',
    build: withHeader((header) => {
      header['typ'] = 'JWT'
    }),
  },
  {
    id: 'proof.alg.none',
    clause: step(5),
    family: 'proof-header',
    title: 'alg "none" with an empty signature',
    hint: 'never accept alg "none": use an allow-list of asymmetric algorithms',
    build: async (builder) => {
      const header = { ...builder.header(), alg: 'none' }
      return `${encodeSegment(JSON.stringify(header))}.${encodeSegment(JSON.stringify(await builder.claims()))}.`
    },
  },
  {
    id: 'proof.alg.hs256',
    clause: step(5),
    family: 'proof-header',
    title: 'alg "HS256" (symmetric) signed with a shared secret',
    hint: 'accept only asymmetric algorithms: a symmetric key proves no possession of a private key',
    build: async (builder) => {
      const secret = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      return builder.sign({ ...builder.header(), alg: 'HS256' }, await builder.claims(), secret, 'HS256')
    },
  },
  {
    id: 'proof.jwk.private',
    clause: step(7),
    family: 'proof-header',
    title: 'jwk header holding the private EC key (d)',
    hint: 'reject a jwk with private members (d, p, q, …): the client leaked its key',
    // The control key is extractable; user tokens are asked for bound to an extractable key of the kit.
    prepare: async (context, side) =>
      side !== 'token' && context.resourceAt(side).tokens === 'user'
        ? context.credentialsFor(side, await context.extraKey('ES256'))
        : undefined,
    build: async (builder) => {
      const jwk = builder.key.privateJwk
      if (jwk?.d === undefined) throw new TypeError('the proof key is not extractable')
      return builder.sign({ ...builder.header(), jwk }, await builder.claims())
    },
  },
  {
    id: 'proof.jwk.private-rsa',
    clause: step(7),
    family: 'proof-header',
    title: 'jwk header holding an RSA private key by its other members (p, q, dp, dq, qi, no d)',
    hint: 'reject a jwk with any private member (RFC 7518 §6.3.2: p, q, dp, dq, qi, oth), not only d',
    prepare: rsaCredentials,
    build: async (builder) =>
      builder.sign({ ...builder.header(), jwk: rsaPrivateWithoutD(builder.key) }, await builder.claims()),
  },
  {
    id: 'proof.jwk.symmetric',
    clause: step(7),
    family: 'proof-header',
    title: 'jwk header of kty "oct"',
    hint: 'require an asymmetric public jwk (EC, RSA, OKP)',
    build: withHeader((header) => {
      header['jwk'] = { kty: 'oct', k: randomId() }
    }),
  },
  {
    id: 'proof.jwk.missing',
    clause: step(3),
    family: 'proof-header',
    title: 'no jwk header',
    hint: 'require the jwk header: the proof must carry its public key',
    build: withHeader((header) => {
      delete header['jwk']
    }),
  },
  {
    id: 'proof.alg.key-mismatch',
    clause: `${step(5)}, ${step(6)}`,
    family: 'proof-header',
    title: 'alg that does not fit the jwk (RS256 with an EC key)',
    hint: 'check that alg matches the key type and curve of jwk before verifying',
    build: async (builder) => builder.sign({ ...builder.header(), alg: 'RS256' }, await builder.claims()),
  },
  {
    id: 'proof.signature.other-key',
    clause: step(6),
    family: 'proof-header',
    title: 'signed by another key than the jwk header',
    hint: 'verify the signature with the public key in the jwk header',
    build: async (builder, context) =>
      builder.sign(
        builder.header(),
        await builder.claims(),
        context.otherKey.privateKey,
        context.otherKey.alg,
      ),
  },
  ...(['jti', 'htm', 'htu', 'iat'] as const).flatMap((claim): ProofDefect[] => [
    {
      id: `proof.${claim}.missing`,
      clause: step(3),
      family: 'proof-claims',
      title: `no ${claim} claim`,
      hint: `require the ${claim} claim (RFC 9449 §4.2)`,
      build: withClaims((claims) => {
        delete claims[claim]
      }),
    },
    {
      id: `proof.${claim}.wrong-type`,
      clause: step(3),
      family: 'proof-claims',
      title: `${claim} of the wrong JSON type`,
      hint: `check the JSON type of ${claim} (${claim === 'iat' ? 'a number' : 'a string'})`,
      build: withClaims((claims) => {
        claims[claim] = claim === 'iat' ? String(claims[claim]) : 12345
      }),
    },
  ]),
  {
    id: 'proof.htm.wrong',
    clause: step(8),
    family: 'htm',
    title: 'htm of another method',
    hint: 'compare htm with the request method exactly',
    build: withClaims((claims) => {
      claims['htm'] = claims['htm'] === 'GET' ? 'POST' : 'GET'
    }),
  },
  {
    id: 'proof.htu.other-path',
    clause: step(9),
    family: 'htu',
    title: 'htu of another path on the same origin',
    hint: 'compare htu with the full request URL (path included), not only the origin',
    build: withClaims((claims) => {
      claims['htu'] = otherUrl(claims['htu'] as string, (url) => {
        url.pathname = `${url.pathname.replace(/\/$/, '')}/conformance-other`
      })
    }),
  },
  {
    id: 'proof.htu.other-host',
    clause: step(9),
    family: 'htu',
    title: 'htu of another host',
    hint: 'compare htu with the URL the client addressed; never take the host from the proof',
    build: withClaims((claims) => {
      claims['htu'] = otherUrl(claims['htu'] as string, (url) => {
        url.hostname = 'conformance.invalid'
      })
    }),
  },
  {
    id: 'proof.htu.other-scheme',
    clause: step(9),
    family: 'htu',
    title: 'htu with the other scheme (http/https)',
    hint: 'compare the htu scheme too; behind a proxy configure publicUrl rather than ignoring the scheme',
    build: withClaims((claims) => {
      const htu = claims['htu'] as string
      claims['htu'] = htu.startsWith('https:') ? `http:${htu.slice(6)}` : `https:${htu.slice(5)}`
    }),
  },
  {
    id: 'proof.htu.other-port',
    clause: step(9),
    family: 'htu',
    title: 'htu with another port',
    hint: 'compare the htu port too (after removing default ports)',
    build: withClaims((claims) => {
      claims['htu'] = otherUrl(claims['htu'] as string, (url) => {
        url.port = String(defaultPort(url) === 65535 ? 8443 : defaultPort(url) + 1)
      })
    }),
  },
  {
    id: 'proof.iat.past',
    clause: `${step(11)}, RFC 9449 §11.1`,
    family: 'iat',
    title: 'iat 10 minutes in the past, without nonce',
    hint: 'reject proofs older than the acceptance window (a few minutes at most)',
    freshness: true,
    build: withClaims((claims) => {
      claims['iat'] = (claims['iat'] as number) - 600
    }),
  },
  {
    id: 'proof.iat.future',
    clause: `${step(11)}, RFC 9449 §11.1`,
    family: 'iat',
    title: 'iat 10 minutes in the future, without nonce',
    hint: 'reject proofs issued in the future beyond a small clock tolerance',
    freshness: true,
    build: withClaims((claims) => {
      claims['iat'] = (claims['iat'] as number) + 600
    }),
  },
]
