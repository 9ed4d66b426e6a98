/** The checks of RFC 9449 §4.3 (and §7.1), in the order core's verifyProof runs them. */
export const PROOF_CHECKS = [
  { name: 'syntax', rule: 'one compact JWS whose header and payload are JSON objects (§4.3 steps 1-2)' },
  {
    name: 'typ',
    rule: 'header "typ" is "dpop+jwt", so no other kind of JWT passes for a proof (§4.3 step 4)',
  },
  {
    name: 'alg',
    rule: 'header "alg" is an accepted asymmetric algorithm, never "none" or a MAC (§4.3 step 5)',
  },
  {
    name: 'jwk',
    rule: 'header "jwk" is a public key of the type "alg" needs, without private members (§4.3 step 7)',
  },
  { name: 'claims', rule: '"jti", "htm", "htu" and "iat" are present with the right types (§4.3 step 3)' },
  { name: 'htm', rule: '"htm" equals the request method, case-sensitively (§4.3 step 8)' },
  { name: 'htu', rule: '"htu" equals the request URL, normalized, without query and fragment (§4.3 step 9)' },
  { name: 'iat', rule: '"iat" is recent: not older than the max age, not in the future (§4.3 step 11)' },
  { name: 'ath', rule: '"ath" is the base64url SHA-256 hash of the access token (§4.3 step 12, §7.1)' },
  { name: 'signature', rule: 'the signature verifies with the public key in the header "jwk" (§4.3 step 6)' },
  { name: 'jkt', rule: "the key's RFC 7638 thumbprint equals the token's cnf.jkt (§4.3 step 12, §7.1)" },
] as const

export type ProofCheckName = (typeof PROOF_CHECKS)[number]['name']

const CHECK_OF_REASON: Readonly<Record<string, ProofCheckName>> = {
  missing: 'syntax',
  header_multiple: 'syntax',
  too_large: 'syntax',
  malformed: 'syntax',
  typ: 'typ',
  alg: 'alg',
  crit: 'alg',
  jwk_missing: 'jwk',
  jwk_private: 'jwk',
  jwk_symmetric: 'jwk',
  jwk_mismatch: 'jwk',
  jwk_invalid: 'jwk',
  jwk_weak: 'jwk',
  jti: 'claims',
  claims: 'claims',
  htm: 'htm',
  htu: 'htu',
  iat_too_old: 'iat',
  iat_in_future: 'iat',
  ath: 'ath',
  signature: 'signature',
  jkt_mismatch: 'jkt',
}

/** The §4.3 check a `DPoPError` reason of core's verifyProof belongs to. */
export function checkOfReason(reason: string): ProofCheckName | undefined {
  return Object.hasOwn(CHECK_OF_REASON, reason) ? CHECK_OF_REASON[reason] : undefined
}
