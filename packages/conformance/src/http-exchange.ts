import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { parseWWWAuthenticate } from '@dpop/core'
import type { FetchFunction, ReceivedSummary, SentSummary } from './types.js'

export interface HttpRequest {
  method: string
  url: string
  /** An array sends the header once per value (fetch cannot, so node:http is used then). */
  headers?: Record<string, string | readonly string[]>
  body?: string
  /** What is notable about this request, for the report. */
  notes?: string
}

export interface HttpResponse {
  status: number
  header(name: string): string | undefined
  /** The JSON body when it is an object. */
  json: Record<string, unknown> | undefined
  received: ReceivedSummary
  sent: SentSummary
}

export interface HttpTransport {
  fetch: FetchFunction
  timeout: number
}

const MAX_BODY = 256 * 1024

/** The `error` and `error_description` of a JSON body, or else of the (DPoP first) challenge. */
function errorOf(
  json: Record<string, unknown> | undefined,
  challenge: string | undefined,
): { error?: string; description?: string } {
  if (typeof json?.['error'] === 'string') {
    const description = json['error_description']
    return { error: json['error'], ...(typeof description === 'string' ? { description } : {}) }
  }
  if (challenge === undefined) return {}
  try {
    const challenges = parseWWWAuthenticate(challenge).filter((c) => c.params['error'] !== undefined)
    const chosen = challenges.find((c) => c.scheme.toLowerCase() === 'dpop') ?? challenges[0]
    if (chosen === undefined) return {}
    const { error, error_description: description } = chosen.params
    return {
      ...(error === undefined ? {} : { error }),
      ...(description === undefined ? {} : { description }),
    }
  } catch {
    return {}
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** The URL for the report: a token the kit put in the query (RFC 6750 §2.3 cases) is not printed. */
function withoutToken(url: string): string {
  if (!url.includes('access_token=')) return url
  const parsed = new URL(url)
  parsed.searchParams.set('access_token', 'REDACTED')
  return parsed.href
}

function summarize(
  request: HttpRequest,
  status: number,
  header: (name: string) => string | undefined,
  text: string,
): HttpResponse {
  const json = parseJson(text)
  const challenge = header('www-authenticate')
  const { error, description } = errorOf(json, challenge)
  const received: ReceivedSummary = { status }
  if (error !== undefined) received.error = error
  if (description !== undefined) received.description = description
  if (challenge !== undefined) received.challenge = challenge
  const sent: SentSummary = { method: request.method, url: withoutToken(request.url) }
  if (request.notes !== undefined) sent.notes = request.notes
  return { status, header, json, received, sent }
}

function viaNodeHttp(request: HttpRequest, timeout: number): Promise<HttpResponse> {
  const url = new URL(request.url)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      { method: request.method, headers: request.headers as Record<string, string | string[]>, timeout },
      (incoming) => {
        let text = ''
        incoming.setEncoding('utf8')
        incoming.on('data', (chunk: string) => {
          if (text.length < MAX_BODY) text += chunk
        })
        incoming.on('end', () => {
          const header = (name: string) => {
            const value = incoming.headers[name.toLowerCase()]
            return Array.isArray(value) ? value.join(', ') : value
          }
          resolve(summarize(request, incoming.statusCode ?? 0, header, text))
        })
        incoming.on('error', reject)
      },
    )
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeout} ms`)))
    outgoing.on('error', reject)
    outgoing.end(request.body)
  })
}

/** Sends one request and reads its answer (status, JSON body, challenge) for the report. */
export async function exchange(transport: HttpTransport, request: HttpRequest): Promise<HttpResponse> {
  const headers = request.headers ?? {}
  if (Object.values(headers).some((value) => typeof value !== 'string')) {
    return viaNodeHttp(request, transport.timeout)
  }
  const init: RequestInit = {
    method: request.method,
    headers: headers as Record<string, string>,
    redirect: 'manual',
    signal: AbortSignal.timeout(transport.timeout),
  }
  if (request.body !== undefined) init.body = request.body
  const response = await transport.fetch(request.url, init)
  const text = await response.text()
  return summarize(
    request,
    response.status,
    (name) => response.headers.get(name) ?? undefined,
    text.slice(0, MAX_BODY),
  )
}
