/**
 * Parses a JSON object and rejects duplicate member names, which JSON.parse silently resolves to the
 * last one (RFC 7515 §5.2: a JOSE header with duplicates must be rejected). Returns undefined for
 * anything that is not a JSON object without duplicates.
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  return hasDuplicateMembers(text) ? undefined : (value as Record<string, unknown>)
}

const OPEN_OBJECT = 0x7b // {
const CLOSE_OBJECT = 0x7d // }
const OPEN_ARRAY = 0x5b // [
const CLOSE_ARRAY = 0x5d // ]
const COMMA = 0x2c
const COLON = 0x3a
const QUOTE = 0x22
const BACKSLASH = 0x5c
// Member names compared in a plain array up to this many; a set beyond.
const SMALL_OBJECT = 16

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0
  while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++
  return backslashes % 2 === 1
}

/**
 * Scans JSON text that JSON.parse already accepted, looking for a repeated member name in any object. Runs on
 * every proof payload, so it allocates little: the names of each open object in a plain array while it is small
 * (proof objects have a handful of members), a name decoded with JSON.parse only when it holds an escape.
 */
function hasDuplicateMembers(text: string): boolean {
  // One entry per open container: the member names seen so far, or null for an array.
  const stack: (string[] | Set<string> | null)[] = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === OPEN_OBJECT) {
      stack.push([])
      expectKey = true
    } else if (code === OPEN_ARRAY) {
      stack.push(null)
      expectKey = false
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      stack.pop()
      expectKey = false
    } else if (code === COMMA) {
      expectKey = stack[stack.length - 1] != null
    } else if (code === COLON) {
      expectKey = false
    } else if (code === QUOTE) {
      // The closing quote is the next one not escaped by an odd run of backslashes (JSON.parse has already
      // accepted the text, so there is one); jumping with indexOf keeps long members (an RSA modulus) cheap.
      let end = text.indexOf('"', i + 1)
      while (isEscaped(text, end)) end = text.indexOf('"', end + 1)
      const names = stack[stack.length - 1]
      if (expectKey && names != null) {
        const raw = text.slice(i + 1, end)
        // Two spellings of one name ("a" and "\u0061") are the same member: compare decoded names.
        const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw
        if (Array.isArray(names)) {
          if (names.includes(name)) return true
          names.push(name)
          // Many members (an attacker's payload): a set keeps the scan linear.
          if (names.length > SMALL_OBJECT) stack[stack.length - 1] = new Set(names)
        } else {
          if (names.has(name)) return true
          names.add(name)
        }
      }
      i = end
    }
  }
  return false
}
