// Headers that must appear once: the guard refuses several values of them (RFC 9449 §4.3 step 1).
const SINGLE = new Set(['authorization', 'dpop'])

/**
 * Reads a header of a Fetch `Headers` for the guard. `Headers` joins repeated lines with ", " (RFC 9110
 * §5.3 makes the two forms equivalent); neither a token68 credential nor a compact JWS contains a comma,
 * so a comma in `Authorization` or `DPoP` means several values and they are returned as a list.
 */
export function fetchRequestHeader(headers: Headers): (name: string) => string | string[] | undefined {
  return (name) => {
    const lower = name.toLowerCase()
    const value = headers.get(lower)
    if (value === null) return undefined
    if (!SINGLE.has(lower) || !value.includes(',')) return value
    return value.split(',').map((part) => part.trim())
  }
}
