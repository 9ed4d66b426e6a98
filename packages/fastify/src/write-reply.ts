import type { FastifyReply } from 'fastify'

/** Sends a framework-neutral response (status, headers, serialized body) unchanged. */
export function writeReply(
  reply: FastifyReply,
  response: { status: number; headers: Record<string, string>; body: string },
): FastifyReply {
  reply.code(response.status).headers(response.headers)
  // Bytes are sent as they are: a string would get a charset appended to its JSON Content-Type (or be
  // typed text/plain), and no payload keeps an empty response without a Content-Type.
  return response.body === '' ? reply.send() : reply.send(Buffer.from(response.body))
}
