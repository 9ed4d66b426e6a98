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

interface Frame {
  keys: Set<string> | undefined // undefined for arrays
  expectKey: boolean
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0
  while (text[quote - 1 - backslashes] === '\\') backslashes++
  return backslashes % 2 === 1
}

/** Scans JSON text that JSON.parse already accepted, looking for a repeated member name in any object. */
function hasDuplicateMembers(text: string): boolean {
  const stack: Frame[] = []
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '{') stack.push({ keys: new Set(), expectKey: true })
    else if (char === '[') stack.push({ keys: undefined, expectKey: false })
    else if (char === '}' || char === ']') stack.pop()
    else if (char === ',') {
      const top = stack[stack.length - 1]
      if (top?.keys) top.expectKey = true
    } else if (char === ':') {
      const top = stack[stack.length - 1]
      if (top) top.expectKey = false
    } else if (char === '"') {
      // The closing quote is the next one not escaped by an odd run of backslashes (JSON.parse has already
      // accepted the text, so there is one); jumping with indexOf keeps long members (an RSA modulus) cheap.
      let end = text.indexOf('"', i + 1)
      while (isEscaped(text, end)) end = text.indexOf('"', end + 1)
      const top = stack[stack.length - 1]
      if (top?.keys && top.expectKey) {
        const name = JSON.parse(text.slice(i, end + 1)) as string
        if (top.keys.has(name)) return true
        top.keys.add(name)
      }
      i = end
    }
  }
  return false
}
