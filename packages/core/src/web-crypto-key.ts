/**
 * A Web Crypto key: the runtime's own `CryptoKey` type wherever the project declares one (lib DOM, or runtime
 * types that declare it), and otherwise its members below, so a Node project compiled without lib DOM can use
 * these declarations too.
 * @useDeclaredType
 */
export type WebCryptoKey = typeof globalThis extends { CryptoKey: { prototype: infer Key } }
  ? Key
  : CryptoKeyMembers

/** The members of a Web Crypto `CryptoKey` (W3C Web Cryptography API §13), for projects without lib DOM. */
export interface CryptoKeyMembers {
  /** The algorithm the key is for, such as `{ name: 'ECDSA', namedCurve: 'P-256' }`. */
  readonly algorithm: {
    /** The algorithm's name: `ECDSA`, `RSA-PSS`, `Ed25519`, … */
    readonly name: string
  }
  /** Whether the key material may be exported. */
  readonly extractable: boolean
  /** `private`, `public` or `secret`. */
  readonly type: 'private' | 'public' | 'secret'
  /** The operations the key may be used for (`sign`, `verify`, …). */
  readonly usages: readonly string[]
}
