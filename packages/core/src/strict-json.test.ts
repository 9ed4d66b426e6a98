import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseJsonObject } from './strict-json.js'

describe('RFC 7515 §5.2 parseJsonObject: duplicate member names are rejected', () => {
  it('accepts objects without duplicates, nested ones and arrays included', () => {
    expect(parseJsonObject('{"a":1,"b":{"a":2,"c":[{"a":3},{"a":4}]},"c":"\\"a\\":1"}')).toEqual({
      a: 1,
      b: { a: 2, c: [{ a: 3 }, { a: 4 }] },
      c: '"a":1',
    })
  })

  it('rejects a duplicate at the top level, in a nested object and in an object inside an array', () => {
    expect(parseJsonObject('{"a":1,"a":2}')).toBeUndefined()
    expect(parseJsonObject('{"x":{"a":1,"b":2,"a":3}}')).toBeUndefined()
    expect(parseJsonObject('{"x":[1,{"a":1,"a":1}]}')).toBeUndefined()
  })

  it('compares decoded names: an escaped spelling of a name is the same member', () => {
    expect(parseJsonObject('{"jti":"1","j\\u0074i":"2"}')).toBeUndefined()
    expect(parseJsonObject('{"a\\\\":1,"a":2}')).toEqual({ 'a\\': 1, a: 2 })
  })

  it('finds a duplicate among many members, past the small-object array', () => {
    const members = Array.from({ length: 1000 }, (_, i) => `"m${i}":${i}`)
    expect(parseJsonObject(`{${members.join(',')}}`)).toBeDefined()
    expect(parseJsonObject(`{${members.join(',')},"m500":0}`)).toBeUndefined()
  })

  it('a string value that looks like a member is not a member', () => {
    expect(parseJsonObject('{"a":"b","b":["a","a"]}')).toEqual({ a: 'b', b: ['a', 'a'] })
  })

  it('returns undefined for anything but a JSON object', () => {
    for (const text of ['[]', 'null', '"x"', '1', '{', '{"a":1}x'])
      expect(parseJsonObject(text)).toBeUndefined()
  })

  it('flat objects (a proof payload): a duplicate is found however members are spelled, and nothing else', () => {
    // Names and string values as spelled in JSON, from small sets so that repeats are common: commas, escapes
    // (an escaped comma, an escaped spelling of "jti") and a value that looks like a member.
    const name = fc.constantFrom('a', 'b', 'jti', 'a,b', '__proto__', 'j\\u0074i', 'jti\\\\')
    const value = fc.oneof(
      fc.constantFrom('x', 'x,y', '\\",\\"a\\":1', '\\u002c', 'a\\\\', '', '\\\\\\"'),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(true, false, null),
    )
    const space = fc.constantFrom('', ' ', '\n ')
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value, space), { maxLength: 6 }), (members) => {
        const spelled = (text: string) => `"${text}"`
        const text = `{${members
          .map(
            ([n, v, ws]) =>
              `${ws}${spelled(n)}${ws}:${ws}${typeof v === 'string' ? spelled(v) : JSON.stringify(v)}${ws}`,
          )
          .join(',')}}`
        const decoded = members.map(([n]) => JSON.parse(spelled(n)) as string)
        const repeated = new Set(decoded).size !== decoded.length
        const result = parseJsonObject(text)
        if (repeated) expect(result).toBeUndefined()
        else expect(result).toEqual(JSON.parse(text))
      }),
      { numRuns: 2000 },
    )
  })
})
