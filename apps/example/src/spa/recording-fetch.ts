import type { FetchFunction } from '@dpop/client'
import { decodeJwt, decodeProtectedHeader } from 'jose'

/** One HTTP exchange the app made, with the DPoP proof it carried, decoded. */
export interface RecordedExchange {
  method: string
  url: string
  proof?: { header: unknown; payload: unknown }
  authorization?: string
  status?: number
  dpopNonce?: string
  /** The server asked for a nonce (`use_dpop_nonce`): an expected round trip, not a failure. */
  nonceChallenge?: boolean
  body?: unknown
  error?: string
}

/** Shortens a token for display: enough to recognize it, not enough to use it. */
export function abbreviate(token: string): string {
  return token.length > 24 ? `${token.slice(0, 12)}…${token.slice(-6)}` : token
}

function decodeProof(proof: string | null): RecordedExchange['proof'] {
  if (proof === null) return undefined
  try {
    return { header: decodeProtectedHeader(proof), payload: decodeJwt(proof) }
  } catch {
    return undefined
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.clone().text()
  try {
    const json = JSON.parse(text) as Record<string, unknown>
    for (const name of ['access_token', 'refresh_token']) {
      const value = json[name]
      if (typeof value === 'string') json[name] = abbreviate(value)
    }
    return json
  } catch {
    return text.slice(0, 200)
  }
}

/** A fetch that reports every request (its DPoP proof decoded) and response to `record`. */
export function createRecordingFetch(record: (exchange: RecordedExchange) => void): FetchFunction {
  return async (input, init) => {
    const headers = new Headers(init?.headers)
    const url = input instanceof Request ? input.url : String(input)
    const authorization = headers.get('authorization')
    const exchange: RecordedExchange = {
      method: init?.method ?? 'GET',
      url,
      ...(authorization === null
        ? {}
        : {
            authorization: `${authorization.split(' ')[0]} ${abbreviate(authorization.split(' ')[1] ?? '')}`,
          }),
    }
    const proof = decodeProof(headers.get('dpop'))
    if (proof !== undefined) exchange.proof = proof
    try {
      const response = await fetch(input, init)
      exchange.status = response.status
      const nonce = response.headers.get('dpop-nonce')
      if (nonce !== null) exchange.dpopNonce = nonce
      exchange.body = await readBody(response)
      const challenge = `${response.headers.get('www-authenticate') ?? ''} ${JSON.stringify(exchange.body)}`
      if ((response.status === 400 || response.status === 401) && challenge.includes('use_dpop_nonce')) {
        exchange.nonceChallenge = true
      }
      return response
    } catch (error) {
      exchange.error = String(error)
      throw error
    } finally {
      record(exchange)
    }
  }
}
