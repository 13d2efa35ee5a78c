#!/usr/bin/env node
// PUTs one file with Node's own HTTP client (node:http, the file streamed from
// fs.createReadStream): the transport tus-js-client uses in Node. bench/run
// times nginx's WebDAV PUT with it, the speed Node reaches as a client at all,
// against which the tus-js-client rows are read. Prints
// "STATUS BYTES SECONDS" on success; exits 1 on a network error.
//
// Usage: node node_put.mjs URL FILE
import fs from 'node:fs'
import http from 'node:http'

const [url, file] = process.argv.slice(2)
if (!url || !file) {
  process.stderr.write('usage: node node_put.mjs URL FILE\n')
  process.exit(3)
}
const size = fs.statSync(file).size
const started = process.hrtime.bigint()
const request = http.request(
  url,
  {
    method: 'PUT',
    headers: { 'Content-Length': String(size), 'Content-Type': 'application/octet-stream' },
  },
  (response) => {
    response.resume()
    response.on('end', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      process.stdout.write(`${response.statusCode} ${size} ${seconds.toFixed(3)}\n`)
    })
  },
)
request.on('error', (error) => {
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
})
fs.createReadStream(file).pipe(request)
