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

function errorOf(
  json: Record<string, unknown> | undefined,
  challenge: string | undefined,
): string | undefined {
  if (typeof json?.['error'] === 'string') return json['error']
  if (challenge === undefined) return undefined
  try {
    for (const { scheme, params } of parseWWWAuthenticate(challenge)) {
      if (params['error'] !== undefined && scheme.toLowerCase() === 'dpop') return params['error']
    }
    return parseWWWAuthenticate(challenge).find((c) => c.params['error'] !== undefined)?.params['error']
  } catch {
    return undefined
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

function summarize(
  request: HttpRequest,
  status: number,
  header: (name: string) => string | undefined,
  text: string,
): HttpResponse {
  const json = parseJson(text)
  const challenge = header('www-authenticate')
  const error = errorOf(json, challenge)
  const received: ReceivedSummary = { status }
  if (error !== undefined) received.error = error
  if (challenge !== undefined) received.challenge = challenge
  const sent: SentSummary = { method: request.method, url: request.url }
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
