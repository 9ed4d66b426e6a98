import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createNeutralRequest } from './create-neutral-request.js'

/** Sends raw HTTP/1.1 bytes to a loopback server and returns the IncomingMessage Node parsed. */
async function receive(rawRequest: string): Promise<IncomingMessage> {
  let resolveMessage: (message: IncomingMessage) => void = () => {}
  const received = new Promise<IncomingMessage>((resolve) => {
    resolveMessage = resolve
  })
  const server = createServer((incoming, outgoing) => {
    resolveMessage(incoming)
    outgoing.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1')
  socket.on('error', () => {})
  socket.write(rawRequest)
  const message = await received
  socket.destroy()
  await new Promise((resolve) => server.close(resolve))
  return message
}

describe('createNeutralRequest', () => {
  it('looks headers up case-insensitively in a Node header record', () => {
    const request = createNeutralRequest('GET', 'https://a.example/', { authorization: 'DPoP x', dpop: 'y' })
    expect(request.method).toBe('GET')
    expect(request.url).toBe('https://a.example/')
    expect(request.header('Authorization')).toBe('DPoP x')
    expect(request.header('DPOP')).toBe('y')
    expect(request.header('missing')).toBeUndefined()
  })

  it('reads a Fetch Headers object', () => {
    const request = createNeutralRequest('POST', 'https://a.example/', new Headers({ DPoP: 'proof' }))
    expect(request.header('dpop')).toBe('proof')
    expect(request.header('authorization')).toBeUndefined()
  })

  it('returns a one-element array as its value and a longer one as is', () => {
    const request = createNeutralRequest('GET', 'https://a.example/', {
      dpop: ['one'],
      authorization: ['a', 'b'],
    })
    expect(request.header('dpop')).toBe('one')
    expect(request.header('authorization')).toEqual(['a', 'b'])
  })

  it('RFC 9449 §4.3 step 1: exposes duplicate Authorization and DPoP lines that Node folds or drops', async () => {
    const message = await receive(
      'GET /r HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: DPoP first\r\nauthorization: DPoP second\r\n' +
        'DPoP: p1\r\ndpop: p2\r\nAccept: */*\r\nConnection: close\r\n\r\n',
    )
    // What Node alone would hand over: the second Authorization line is gone, DPoP lines are joined.
    expect(message.headers.authorization).toBe('DPoP first')
    expect(message.headers.dpop).toBe('p1, p2')
    const request = createNeutralRequest('GET', 'http://127.0.0.1/r', message.headers, message.rawHeaders)
    expect(request.header('Authorization')).toEqual(['DPoP first', 'DPoP second'])
    expect(request.header('DPoP')).toEqual(['p1', 'p2'])
    expect(request.header('accept')).toBe('*/*')
  })

  it('returns single headers from the record when rawHeaders show them once', () => {
    const request = createNeutralRequest('GET', 'https://a.example/', { authorization: 'DPoP x' }, [
      'Authorization',
      'DPoP x',
      'Host',
      'a.example',
    ])
    expect(request.header('authorization')).toBe('DPoP x')
  })
})
