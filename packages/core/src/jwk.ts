/**
 * A JSON Web Key (RFC 7517 §4, members of RFC 7518 §6 and RFC 8037 §2). The same shape as `jose`'s `JWK`, so
 * keys from `exportJWK` and keys given to `importJWK` pass either way; declared here so that CommonJS
 * TypeScript projects (`module: node16`) can use these types without importing an ES-module-only package.
 */
export interface JWK {
  /** Key type: `EC`, `RSA`, `OKP`, … (RFC 7517 §4.1). */
  kty?: string
  /** Algorithm the key is meant for (RFC 7517 §4.4). */
  alg?: string
  /** Permitted operations (RFC 7517 §4.3). */
  key_ops?: string[]
  /** Web Crypto's extractable flag. */
  ext?: boolean
  /** Public key use: `sig` or `enc` (RFC 7517 §4.2). */
  use?: string
  /** X.509 certificate chain (RFC 7517 §4.7). */
  x5c?: string[]
  /** X.509 certificate SHA-1 thumbprint (RFC 7517 §4.8). */
  x5t?: string
  /** X.509 certificate SHA-256 thumbprint (RFC 7517 §4.9). */
  'x5t#S256'?: string
  /** X.509 URL (RFC 7517 §4.6). */
  x5u?: string
  /** Key ID (RFC 7517 §4.5). */
  kid?: string
  /** Curve of an EC or OKP key. */
  crv?: string
  /** Private exponent or private key: present only in private keys. */
  d?: string
  /** RSA first factor CRT exponent (RFC 7518 §6.3.2.4). */
  dp?: string
  /** RSA second factor CRT exponent (RFC 7518 §6.3.2.5). */
  dq?: string
  /** RSA public exponent. */
  e?: string
  /** Symmetric key value (never accepted in a DPoP proof). */
  k?: string
  /** RSA modulus. */
  n?: string
  /** RSA first prime factor (RFC 7518 §6.3.2.2). */
  p?: string
  /** RSA second prime factor (RFC 7518 §6.3.2.3). */
  q?: string
  /** RSA first CRT coefficient (RFC 7518 §6.3.2.6). */
  qi?: string
  /** x coordinate (EC) or public key (OKP). */
  x?: string
  /** y coordinate of an EC key. */
  y?: string
  /** Public key of an AKP key. */
  pub?: string
  /** Private key of an AKP key. */
  priv?: string
  /** Other RSA primes, beyond the first two (RFC 7518 §6.3.2.7). */
  oth?: Array<{
    /** Factor CRT exponent of this prime. */
    d?: string
    /** The prime factor. */
    r?: string
    /** Factor CRT coefficient of this prime. */
    t?: string
  }>
}

/** A JSON Web Key Set (RFC 7517 §5). */
export interface JSONWebKeySet {
  /** The keys (RFC 7517 §5.1). */
  keys: JWK[]
}
