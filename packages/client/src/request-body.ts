/** A request body that can be sent again for the one DPoP retry, when it can. */
export interface ReplayableBody {
  /** The body for the first attempt. */
  readonly first: BodyInit | undefined
  /** True when the body is a stream: fetch needs `duplex: 'half'`. */
  readonly streaming: boolean
  /** The same bytes again, or `undefined` when they were not kept. */
  replay(): BodyInit | undefined
  /** Drops what was kept: no retry will happen. */
  release(): void
}

function isStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== 'undefined' && body instanceof ReadableStream
}

/**
 * Values (strings, blobs, buffers, forms) can be sent twice as they are. A stream is read once, so its
 * chunks are recorded while the request is in flight, up to `maxBytes`, and dropped as soon as the
 * response shows no retry is needed.
 */
export function prepareRequestBody(body: BodyInit | null | undefined, maxBytes: number): ReplayableBody {
  if (body === null || body === undefined) {
    return { first: undefined, streaming: false, replay: () => undefined, release() {} }
  }
  if (!isStream(body)) return { first: body, streaming: false, replay: () => body, release() {} }
  let chunks: Uint8Array<ArrayBuffer>[] | undefined = []
  let size = 0
  let complete = false
  const recorder = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (chunks !== undefined) {
        size += chunk.byteLength
        if (size > maxBytes) chunks = undefined
        else chunks.push(chunk.slice())
      }
      controller.enqueue(chunk)
    },
    flush() {
      complete = true
    },
  })
  return {
    first: body.pipeThrough(recorder),
    streaming: true,
    // A body the server answered before reading to the end was not recorded whole.
    replay: () => (complete && chunks !== undefined ? new Blob(chunks) : undefined),
    release() {
      chunks = undefined
    },
  }
}
