/**
 * The neutral request every server-side entry point takes: the method, the absolute URL the client
 * addressed, and headers. An array means the header arrived more than once.
 */
export interface DPoPHttpRequest {
  /** The HTTP method, as sent (`GET`, `POST`, …). */
  method: string
  /** The absolute URL the client addressed, with scheme and host (`https://api.example.com/items?page=2`). */
  url: string
  /** The value of the header `name` (case-insensitive), an array when it came more than once. */
  header(name: string): string | readonly string[] | undefined

  /**
   * The body, only when the framework has already read it (a parsed form record, `URLSearchParams` or the
   * raw string); absent otherwise. Entry points never read a stream: a resource guard uses it only to
   * refuse an `access_token` form parameter (RFC 6750 §2.2).
   */
  body?: unknown
}
