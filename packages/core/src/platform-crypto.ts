import { base64url, importJWK } from 'jose'
import type { DPoPAlgorithm } from './algorithms.js'
import { isCanonicalBase64url } from './canonical-base64url.js'
import { isNodeKeyObject, type NodeKeyObject as SigningKeyObject } from './node-key-object.js'
import type { PublicJwk } from './public-jwk.js'
import { signatureAlgorithm } from './signature-algorithm.js'
import type { WebCryptoKey } from './web-crypto-key.js'

// The few node:crypto functions the fast path uses, declared here so core needs no Node types or imports.
interface NodeKeyObject {
  readonly type: string
}
interface NodeBytes {
  toString(encoding: 'base64url', start?: number, end?: number): string
  subarray(start: number, end: number): NodeBytes
}
/** A Node `Buffer` that bytes are written into: the scratch buffer of `verifyJwsSignature` and `decodeBase64urlText`. */
type NodeScratch = Uint8Array<ArrayBuffer> & {
  write(text: string, offset: number, length: number, encoding: 'base64url' | 'latin1'): number
  toString(encoding: 'base64url', start: number, end: number): string
}
interface NodeCrypto {
  createHash(algorithm: 'sha256'): { update(data: string): { digest(): NodeBytes } }
  createHmac(algorithm: 'sha256', key: NodeKeyObject): { update(data: string): { digest(): Uint8Array } }
  createSecretKey(key: Uint8Array): NodeKeyObject
  /** One-shot digest (Node ≥ 20.12): no Hash object, about twice as fast for short inputs. */
  hash?: (algorithm: 'sha256', data: string, outputEncoding: 'buffer') => NodeBytes
  sign(
    algorithm: string | null,
    data: Uint8Array,
    key: { key: NodeKeyObject; dsaEncoding?: 'ieee-p1363'; padding?: number; saltLength?: number },
  ): Uint8Array
  verify(
    algorithm: string | null,
    data: Uint8Array,
    key: { key: NodeKeyObject; dsaEncoding?: 'ieee-p1363'; padding?: number; saltLength?: number },
    signature: Uint8Array,
  ): boolean
  KeyObject: { from(key: WebCryptoKey): NodeKeyObject }
  createPublicKey(input: { key: Record<string, string>; format: 'jwk' }): NodeKeyObject
  constants: { RSA_PKCS1_PSS_PADDING: number }
}

/**
 * node:crypto when running on Node (found with getBuiltinModule, Node ≥ 20.16), else undefined. Found at run
 * time, so browsers, Deno and workers never see an import of it: they take the Web Crypto path.
 */
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined

const nodeBuffer = (
  (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(
    'node:buffer',
  ) as
    | {
        Buffer: {
          from(text: string, encoding: 'base64url' | 'utf8' | 'latin1'): Uint8Array<ArrayBuffer> & NodeBytes
          from(buffer: ArrayBufferLike, byteOffset: number, length: number): NodeBytes
          allocUnsafeSlow(size: number): NodeScratch
        }
      }
    | undefined
)?.Buffer

const encoder = new TextEncoder()
const utf8 = new TextDecoder('utf-8', { fatal: true })

// RFC 8032 §7.4, test 1 ("Blank"): an Ed448 public key and its signature of the empty message.
const ED448_TEST_KEY = 'X9dEm1m0Yf0s54fsYWrUah2hNCSFpw4fig6nXYDpZ3jt8SR2m0bHBhvWeD3x5Q9s0foavq_oJWGA'
const ED448_TEST_SIGNATURE =
  'Uzo39rvkVyUfAjwNiPl2ri37UEqEPjTSB0_YI9QaWR8rIz8DT2KCgfL9eiLd1H14KMWb0KIb_TmA_w0gKNSxip32PgBsXRwtNFuSXY3AC0EEhS25msXHzdqFMKEToPTbthFJ8FpzYyaMcdlYCP8uZSYA'

/**
 * Whether node:crypto verifies Ed448 (RFC 8032) signatures: checked once, on a known-good signature. Web
 * Crypto's Ed448 is not used (browsers lack it, and Node marks it experimental).
 */
export const ed448Verifiable: boolean = (() => {
  if (nodeCrypto === undefined || nodeBuffer === undefined) return false
  try {
    const key = nodeCrypto.createPublicKey({
      key: { kty: 'OKP', crv: 'Ed448', x: ED448_TEST_KEY },
      format: 'jwk',
    })
    return nodeCrypto.verify(
      null,
      new Uint8Array(0),
      { key },
      nodeBuffer.from(ED448_TEST_SIGNATURE, 'base64url'),
    )
  } catch {
    return false
  }
})()

/** An Ed448 public key (its JWK `x`) ready for `verifySignature`: on Node only (see `ed448Verifiable`). */
export function ed448VerificationKey(x: string): VerificationKey {
  if (!ed448Verifiable || nodeCrypto === undefined) {
    throw new TypeError('Ed448 signatures cannot be verified in this runtime')
  }
  return {
    cryptoKey: undefined,
    nodeKey: nodeCrypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed448', x }, format: 'jwk' }),
  }
}

/**
 * Decodes base64url the caller has already checked to be canonical: natively on Node (jose's portable
 * decoder goes through atob and a loop, a tenth of a verification for an RSA proof).
 */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  return nodeBuffer !== undefined
    ? nodeBuffer.from(text, 'base64url')
    : (base64url.decode(text) as Uint8Array<ArrayBuffer>)
}

/**
 * The bytes of ASCII text (a JWS signing input, which is base64url and "."): on Node from Buffer's pool, without
 * the fresh ArrayBuffer TextEncoder allocates for every call. Only for text already known to be ASCII.
 */
export function asciiBytes(text: string): Uint8Array<ArrayBuffer> {
  return nodeBuffer !== undefined ? nodeBuffer.from(text, 'latin1') : encoder.encode(text)
}

/** base64url of bytes (RFC 7515 §2): natively on Node. */
export function encodeBase64url(bytes: Uint8Array): string {
  return nodeBuffer !== undefined
    ? nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
    : base64url.encode(bytes)
}

/** base64url of the UTF-8 of `text`: natively on Node. */
export function encodeTextBase64url(text: string): string {
  return nodeBuffer !== undefined
    ? nodeBuffer.from(text, 'utf8').toString('base64url')
    : base64url.encode(encoder.encode(text))
}

/** base64url(SHA-256(UTF-8 of `text`)), optionally truncated to `bytes`: synchronous on Node. */
export function sha256Base64url(text: string, bytes?: number): string | Promise<string> {
  if (nodeCrypto !== undefined) {
    const digest =
      nodeCrypto.hash !== undefined
        ? nodeCrypto.hash('sha256', text, 'buffer')
        : nodeCrypto.createHash('sha256').update(text).digest()
    return (bytes === undefined ? digest : digest.subarray(0, bytes)).toString('base64url')
  }
  return crypto.subtle.digest('SHA-256', encoder.encode(text)).then((digest) => {
    const view = new Uint8Array(digest)
    return base64url.encode(bytes === undefined ? view : view.subarray(0, bytes))
  })
}

/**
 * An HMAC-SHA-256 (RFC 2104) of UTF-8 text under `secret`, the key imported once: synchronous on Node (a
 * `Buffer`), a promise from Web Crypto elsewhere.
 */
export function hmacSha256With(secret: Uint8Array): (text: string) => Uint8Array | Promise<Uint8Array> {
  if (nodeCrypto !== undefined) {
    const node = nodeCrypto
    const key = node.createSecretKey(secret)
    return (text) => node.createHmac('sha256', key).update(text).digest()
  }
  const key = crypto.subtle.importKey('raw', secret.slice(), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  return async (text) => new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(text)))
}

/**
 * A public key ready for both paths: the Web Crypto key, and on Node its KeyObject for synchronous verify
 * (an Ed448 key has only the KeyObject).
 */
export type VerificationKey = (
  | { cryptoKey: WebCryptoKey; nodeKey: NodeKeyObject | undefined }
  | { cryptoKey: undefined; nodeKey: NodeKeyObject }
) & {
  /** node:crypto's verify options for this key and the algorithm it verifies, made on its first use. */
  nodeInput?: { alg: DPoPAlgorithm; options: NodeVerifyOptions }
}

/**
 * The uncompressed SEC 1 point (0x04 ‖ x ‖ y, SEC 1 §2.3.3) of a checked EC JWK, its coordinates decoded once.
 */
function uncompressedPoint(jwk: Extract<PublicJwk, { kty: 'EC' }>): Uint8Array<ArrayBuffer> {
  const x = decodeBase64url(jwk.x)
  const point = new Uint8Array(1 + 2 * x.length)
  point[0] = 0x04
  point.set(x, 1)
  point.set(decodeBase64url(jwk.y), 1 + x.length)
  return point
}

/**
 * Imports a checked public JWK (its RFC 7638 members only) for `alg`. On Node natively: an EC key from its raw
 * point (Node checks that the point is on its curve, which for these prime-order curves is the whole check;
 * createPublicKey of the JWK adds a full scalar multiplication that costs as much as a signature
 * verification), any other key synchronously with createPublicKey. Elsewhere through jose and Web Crypto.
 * Either way the key is validated (an EC point off its curve is refused).
 */
export function importVerificationKey(
  jwk: PublicJwk,
  alg: DPoPAlgorithm,
): VerificationKey | Promise<VerificationKey> {
  // jose has no Ed448: node:crypto imports it, where it verifies Ed448.
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed448') return ed448VerificationKey(jwk.x)
  if (nodeCrypto !== undefined && jwk.kty === 'EC') {
    const node = nodeCrypto
    return crypto.subtle
      .importKey('raw', uncompressedPoint(jwk), { name: 'ECDSA', namedCurve: jwk.crv }, false, ['verify'])
      .then((cryptoKey) => ({ cryptoKey: undefined, nodeKey: node.KeyObject.from(cryptoKey) }))
  }
  if (nodeCrypto !== undefined) {
    return {
      cryptoKey: undefined,
      nodeKey: nodeCrypto.createPublicKey({ key: jwk as Record<string, string>, format: 'jwk' }),
    }
  }
  return (importJWK({ ...jwk, ext: true }, alg) as Promise<CryptoKey>).then((cryptoKey) => ({
    cryptoKey,
    nodeKey: undefined,
  }))
}

const NODE_HASH: Record<DPoPAlgorithm, string | null> = {
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  EdDSA: null,
  Ed25519: null,
  Ed448: null,
}

/** What node:crypto's `verify` takes as the key: the KeyObject and the signature format of its algorithm. */
interface NodeVerifyOptions {
  key: NodeKeyObject
  dsaEncoding?: 'ieee-p1363'
  padding?: number
  saltLength?: number
}

function nodeOptions(node: NodeCrypto, alg: DPoPAlgorithm, key: NodeKeyObject): NodeVerifyOptions {
  if (alg[0] === 'E' && alg[1] === 'S') return { key, dsaEncoding: 'ieee-p1363' as const }
  if (alg[0] === 'P') {
    const saltLength = signatureAlgorithm(alg).saltLength as number // set for every PS algorithm
    return { key, padding: node.constants.RSA_PKCS1_PSS_PADDING, saltLength }
  }
  return { key }
}

// `EdDSA` is whichever Edwards curve the key is on (RFC 8037 §3.1).
function webAlgorithm(alg: DPoPAlgorithm, key: CryptoKey) {
  return alg === 'EdDSA' ? { name: key.algorithm.name } : signatureAlgorithm(alg)
}

/** The verify options of a key for `alg`, kept with the key (built once, not on every verification). */
function nodeInputOf(
  node: NodeCrypto,
  alg: DPoPAlgorithm,
  key: VerificationKey & { nodeKey: NodeKeyObject },
) {
  let input = key.nodeInput
  if (input === undefined || input.alg !== alg) {
    input = { alg, options: nodeOptions(node, alg, key.nodeKey) }
    key.nodeInput = input
  }
  return input.options
}

// The bytes of the compact JWS being verified on Node, written into one buffer that is reused: each use of it
// ends before the function that wrote it returns (node:crypto verifies synchronously, and text is copied out),
// so no await ever sits between writing it and reading it. Grown to the largest proof seen.
let scratch: NodeScratch | undefined

function scratchOf(bytes: number): NodeScratch {
  if (scratch === undefined || scratch.length < bytes) {
    scratch = (nodeBuffer as NonNullable<typeof nodeBuffer>).allocUnsafeSlow(Math.max(bytes, 4096))
  }
  return scratch
}

/**
 * The bytes of a base64url segment (RFC 7515 §2) written into `buffer` at `offset`, or -1 when the segment is
 * not canonical: Node's decoder skips what is not base64url, so the segment is canonical exactly when encoding
 * the bytes gives it back (no padding, whitespace or other characters, zero trailing bits, nothing empty).
 */
function writeCanonicalBase64url(buffer: NodeScratch, segment: string, offset: number): number {
  if (segment.length === 0) return -1
  const length = buffer.write(segment, offset, buffer.length - offset, 'base64url')
  return buffer.toString('base64url', offset, offset + length) === segment ? length : -1
}

/**
 * The text of a base64url segment (RFC 7515 §2) read as UTF-8, or undefined when the segment is not
 * canonical base64url or its bytes are not UTF-8: on Node decoded into the scratch buffer, without
 * allocating the bytes; elsewhere through jose.
 */
export function decodeBase64urlText(segment: string): string | undefined {
  try {
    if (nodeBuffer === undefined) {
      return isCanonicalBase64url(segment) ? utf8.decode(base64url.decode(segment)) : undefined
    }
    const buffer = scratchOf(segment.length)
    const length = writeCanonicalBase64url(buffer, segment, 0)
    return length === -1 ? undefined : utf8.decode(buffer.subarray(0, length))
  } catch {
    return undefined
  }
}

/**
 * Verifies the signature of a compact JWS (RFC 7515 §5.2) whose signature segment, after its second dot, the
 * caller has checked to be canonical base64url: the signing input is the JWS up to that dot, as it arrived. On
 * Node synchronously, the signing input and the signature written into the scratch buffer; Web Crypto elsewhere.
 */
export function verifyJwsSignature(
  alg: DPoPAlgorithm,
  key: VerificationKey,
  jws: string,
  secondDot: number,
): boolean | Promise<boolean> {
  if (nodeCrypto !== undefined && nodeBuffer !== undefined && key.nodeKey !== undefined) {
    // The signing input is ASCII (base64url and "."): latin1 writes one byte per character.
    const buffer = scratchOf(jws.length)
    buffer.write(jws, 0, secondDot, 'latin1')
    const length = buffer.write(jws.slice(secondDot + 1), secondDot, jws.length, 'base64url')
    return nodeCrypto.verify(
      NODE_HASH[alg],
      buffer.subarray(0, secondDot),
      nodeInputOf(nodeCrypto, alg, key as VerificationKey & { nodeKey: NodeKeyObject }),
      buffer.subarray(secondDot, secondDot + length),
    )
  }
  return verifySignature(
    alg,
    key,
    decodeBase64url(jws.slice(secondDot + 1)),
    asciiBytes(jws.slice(0, secondDot)),
  )
}

/** Verifies a JWS signature (RFC 7518 §3): node:crypto synchronously on Node, Web Crypto elsewhere. */
export function verifySignature(
  alg: DPoPAlgorithm,
  key: VerificationKey,
  signature: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): boolean | Promise<boolean> {
  if (nodeCrypto !== undefined && key.nodeKey !== undefined) {
    const input = nodeInputOf(nodeCrypto, alg, key as VerificationKey & { nodeKey: NodeKeyObject })
    return nodeCrypto.verify(NODE_HASH[alg], data, input, signature)
  }
  if (key.cryptoKey === undefined) throw new TypeError('a KeyObject can only be used where node:crypto is')
  return crypto.subtle.verify(webAlgorithm(alg, key.cryptoKey), key.cryptoKey, signature, data)
}

const signingKeys = new WeakMap<CryptoKey, NodeKeyObject>()

/**
 * Signs a JWS signing input (RFC 7515 §5.1): node:crypto synchronously on Node, Web Crypto elsewhere. A Node
 * `KeyObject` is used as it is.
 */
export async function signData(
  alg: DPoPAlgorithm,
  privateKey: CryptoKey | SigningKeyObject,
  data: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array> {
  if (isNodeKeyObject(privateKey)) {
    if (nodeCrypto === undefined) throw new TypeError('a KeyObject can only be used where node:crypto is')
    return nodeCrypto.sign(NODE_HASH[alg], data, nodeOptions(nodeCrypto, alg, privateKey))
  }
  if (nodeCrypto !== undefined) {
    let key = signingKeys.get(privateKey)
    if (key === undefined) {
      key = nodeCrypto.KeyObject.from(privateKey)
      signingKeys.set(privateKey, key)
    }
    return nodeCrypto.sign(NODE_HASH[alg], data, nodeOptions(nodeCrypto, alg, key))
  }
  return new Uint8Array(await crypto.subtle.sign(webAlgorithm(alg, privateKey), privateKey, data))
}
