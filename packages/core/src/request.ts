/**
 * The neutral request every server-side entry point takes: the method, the absolute URL the client
 * addressed, and headers. An array means the header arrived more than once.
 */
export interface DPoPHttpRequest {
  method: string
  url: string
  header(name: string): string | readonly string[] | undefined
}
