#!/usr/bin/env node
// Uploads one file to a sealpost tus 1.0.0 endpoint with tus-js-client (the
// client the web UI uses) and reports every step as one JSON object per line
// on stdout, for the end-to-end tests to check:
//   {"event":"url","url":…}                       upload URL, as soon as it is known
//   {"event":"request","method":…,"url":…,"offset":…}   each request sent
//   {"event":"response","method":…,"status":…,"offset":…} each response received
//   {"event":"progress","sent":…,"total":…}        bytes handed to the socket
//   {"event":"chunk","accepted":…,"total":…}       Upload-Offset after each PATCH
//   {"event":"retry","attempt":…,"status":…,"message":…}  an error tus-js-client retries
//   {"event":"success","url":…,"total":…} | {"event":"error",…} | {"event":"timeout",…}
// Exits 0 on success, 1 on error, 2 on timeout, 3 on bad arguments.
//
// Usage: node tus_upload.mjs --endpoint URL --file PATH [--chunk-size BYTES]
//          [--timeout-ms MS] [--filename NAME] [--filetype TYPE]
//          [--header 'Name: value']…   (e.g. the sender's Authorization or Cookie)
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import tus from 'tus-js-client'

function emit(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`)
}

let args
try {
  args = parseArgs({
    options: {
      endpoint: { type: 'string' },
      file: { type: 'string' },
      'chunk-size': { type: 'string' },
      'timeout-ms': { type: 'string', default: '120000' },
      filename: { type: 'string' },
      filetype: { type: 'string', default: 'application/octet-stream' },
      header: { type: 'string', multiple: true, default: [] },
    },
  }).values
} catch (error) {
  emit({ event: 'error', message: String(error.message) })
  process.exit(3)
}
if (!args.endpoint || !args.file) {
  emit({ event: 'error', message: '--endpoint and --file are required' })
  process.exit(3)
}

const size = fs.statSync(args.file).size
const chunkSize = args['chunk-size'] ? Number(args['chunk-size']) : Number.POSITIVE_INFINITY
const timeoutMs = Number(args['timeout-ms'])

// tus-js-client's own rule (retry unless 4xx, but do retry 409 and 423),
// with each decision reported.
function shouldRetry(error, attempt) {
  const status = error.originalResponse ? error.originalResponse.getStatus() : 0
  const retry = !(status >= 400 && status < 500) || status === 409 || status === 423
  emit({ event: 'retry', attempt, status, retry, message: String(error.message).split('\n')[0] })
  return retry
}

let lastProgress = 0
let announcedUrl = null
function announceUrl(url) {
  if (url && url !== announcedUrl) {
    announcedUrl = url
    emit({ event: 'url', url })
  }
}

const headers = {}
for (const line of args.header) {
  const colon = line.indexOf(':')
  if (colon <= 0) {
    emit({ event: 'error', message: `bad --header ${line}` })
    process.exit(3)
  }
  headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim()
}

const upload = new tus.Upload(fs.createReadStream(args.file), {
  endpoint: args.endpoint,
  headers,
  chunkSize,
  uploadSize: size,
  retryDelays: [0, 200, 500, 1000, 2000, 3000, 5000],
  metadata: {
    filename: args.filename ?? path.basename(args.file),
    filetype: args.filetype,
  },
  onShouldRetry: shouldRetry,
  onBeforeRequest(req) {
    const offset = req.getHeader('Upload-Offset')
    emit({
      event: 'request',
      method: req.getMethod(),
      url: req.getURL(),
      offset: offset === undefined ? null : Number(offset),
    })
  },
  onAfterResponse(req, res) {
    const offset = res.getHeader('Upload-Offset')
    emit({
      event: 'response',
      method: req.getMethod(),
      status: res.getStatus(),
      offset: offset === undefined ? null : Number(offset),
    })
    announceUrl(upload.url)
  },
  onUploadUrlAvailable() {
    announceUrl(upload.url)
  },
  onProgress(sent, total) {
    const now = Date.now()
    if (now - lastProgress >= 250 || sent === total) {
      lastProgress = now
      emit({ event: 'progress', sent, total })
    }
  },
  onChunkComplete(_chunk, accepted, total) {
    emit({ event: 'chunk', accepted, total })
  },
  onSuccess() {
    clearTimeout(timer)
    emit({ event: 'success', url: upload.url, total: size })
  },
  onError(error) {
    clearTimeout(timer)
    emit({ event: 'error', message: String(error.message).split('\n')[0] })
    process.exit(1)
  },
})

const timer = setTimeout(() => {
  emit({ event: 'timeout', ms: timeoutMs })
  upload.abort().finally(() => process.exit(2))
}, timeoutMs)

upload.start()
