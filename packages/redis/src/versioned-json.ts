/** Format version of every stored value; a value of another version (older or newer code) reads as absent. */
export const RECORD_VERSION = 1

export function encodeRecord(record: object): string {
  return JSON.stringify({ v: RECORD_VERSION, ...record })
}

export function decodeRecord<T>(raw: unknown): T | undefined {
  if (typeof raw !== 'string') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const { v, ...record } = parsed as { v?: unknown }
  return v === RECORD_VERSION ? (record as T) : undefined
}
