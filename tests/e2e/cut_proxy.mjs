#!/usr/bin/env node
// A loopback TCP proxy that drops the connection once: it forwards
// 127.0.0.1:<own port> to 127.0.0.1:<target port> and, when the bytes sent
// from clients to the server (all connections together) pass --cut-after,
// resets the client's connection and closes the one to the server, as a
// broken network path would. Later connections are forwarded untouched.
// Reports on stdout, one JSON object per line:
//   {"event":"listening","port":…}  {"event":"cut","bytes":…}
// Runs until it is killed.
//
// Usage: node cut_proxy.mjs --target-port PORT --cut-after BYTES
import net from 'node:net'
import { parseArgs } from 'node:util'

const args = parseArgs({
  options: {
    'target-port': { type: 'string' },
    'cut-after': { type: 'string' },
  },
}).values
const targetPort = Number(args['target-port'])
const cutAfter = Number(args['cut-after'])

function emit(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`)
}

let upstreamBytes = 0
let cut = false

const server = net.createServer((client) => {
  const upstream = net.connect({ host: '127.0.0.1', port: targetPort })
  client.on('data', (data) => {
    if (cut || upstreamBytes + data.length < cutAfter) {
      upstreamBytes += data.length
      if (!upstream.write(data)) {
        client.pause()
        upstream.once('drain', () => client.resume())
      }
      return
    }
    // Drop both sides: the server sees its request body end early.
    upstreamBytes += data.length
    cut = true
    client.resetAndDestroy()
    upstream.destroy()
    emit({ event: 'cut', bytes: upstreamBytes })
  })
  upstream.on('data', (data) => {
    if (!client.write(data)) {
      upstream.pause()
      client.once('drain', () => upstream.resume())
    }
  })
  client.on('end', () => upstream.end())
  upstream.on('end', () => client.end())
  client.on('error', () => upstream.destroy())
  upstream.on('error', () => client.destroy())
  client.on('close', () => upstream.destroy())
  upstream.on('close', () => client.destroy())
})

server.listen(0, '127.0.0.1', () => {
  emit({ event: 'listening', port: server.address().port })
})
