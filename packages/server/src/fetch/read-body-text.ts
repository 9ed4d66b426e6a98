/**
 * The body of a Fetch `Request` as text, reading at most `limit` bytes: `undefined` when it is longer, so
 * a guard or server never buffers more than it accepts. With `clone`, the request itself stays unread for
 * the route (its stream is teed, and the copy is cancelled as soon as it is read or too long).
 */
export async function readBodyText(
  request: Request,
  limit: number,
  options: { clone?: boolean } = {},
): Promise<string | undefined> {
  if (request.body === null) return ''
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > limit) return undefined
  const source = options.clone ? request.clone() : request
  const reader = (source.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      length += value.byteLength
      if (length > limit) return undefined
      chunks.push(value)
    }
  } finally {
    // A cancelled copy stops the tee from buffering the rest for it; the route's branch is unaffected.
    reader.cancel().catch(() => {})
  }
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}
