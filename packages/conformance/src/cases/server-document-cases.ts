import { calculateJwkThumbprint } from '@dpop/core'
import { type ConformanceCase, skip, verdict } from '../conformance-case.js'
import { introspect } from '../introspect.js'

const metadataAlgorithms: ConformanceCase = {
  id: 'metadata.dpop-algs',
  clause: 'RFC 9449 §5.1',
  family: 'metadata',
  title: 'metadata lists dpop_signing_alg_values_supported, without none or symmetric algorithms',
  needs: [],
  async run(context) {
    if (!context.controls.metadata) return skip('no authorization server metadata')
    const value = context.metadata?.['dpop_signing_alg_values_supported']
    if (value === undefined) {
      return {
        outcome: 'warn',
        hint: 'advertise dpop_signing_alg_values_supported so clients pick an accepted algorithm',
      }
    }
    if (!Array.isArray(value) || value.length === 0 || !value.every((alg) => typeof alg === 'string')) {
      return {
        outcome: 'fail',
        hint: 'dpop_signing_alg_values_supported must be a non-empty array of strings',
      }
    }
    const weak = value.filter((alg: string) => alg === 'none' || /^HS/i.test(alg))
    if (weak.length > 0) {
      return { outcome: 'fail', hint: 'advertise only asymmetric algorithms: never none or HS*' }
    }
    return { outcome: 'pass' }
  },
}

const introspectionConfirmation: ConformanceCase = {
  id: 'introspection.cnf',
  clause: 'RFC 9449 §6.2',
  family: 'introspection',
  title: 'introspection of a DPoP token returns token_type DPoP and cnf.jkt',
  needs: ['token'],
  async run(context) {
    const response = await introspect(
      context,
      context.accessToken ?? '',
      'introspection of the control token',
    )
    if (typeof response === 'string') return skip(response)
    const json = response.json
    if (response.status !== 200 || json?.['active'] !== true) {
      return verdict('fail', response, 'the control token should introspect as active')
    }
    const expected = await calculateJwkThumbprint(context.key.publicJwk)
    const cnf = json['cnf'] as { jkt?: unknown } | undefined
    if (cnf?.jkt !== expected) {
      return verdict('fail', response, 'return cnf.jkt, the thumbprint of the key the token is bound to')
    }
    const tokenType = json['token_type']
    if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'dpop') {
      return verdict('fail', response, 'return token_type "DPoP" for DPoP-bound tokens')
    }
    return verdict('pass', response)
  },
}

export function serverDocumentCases(): ConformanceCase[] {
  return [metadataAlgorithms, introspectionConfirmation]
}
