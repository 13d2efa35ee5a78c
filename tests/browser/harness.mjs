// Test harness of the browser suite: the real `sealpost serve` binary on a
// free loopback port with a temporary data dir and config, a loopback TCP
// proxy in front of it that the tests can throttle and cut (a dropped
// network path), the e-mail spool (data_dir/mail/*.eml) read for codes and
// links, and Debian's Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
export const artifacts = process.env.SEALPOST_BROWSER_ARTIFACTS || path.join(here, 'artifacts')
fs.mkdirSync(artifacts, { recursive: true })

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export async function waitFor(what, fn, timeoutMs = 30000, everyMs = 100) {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(everyMs)
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function findExe() {
  if (process.env.SEALPOST_EXE) return process.env.SEALPOST_EXE
  for (const dir of ['build-web', 'build']) {
    const candidate = path.join(here, '..', '..', dir, 'src', 'app', 'sealpost')
    if (fs.existsSync(candidate)) return candidate
  }
  throw new Error('set SEALPOST_EXE to the sealpost binary')
}

/// A loopback proxy 127.0.0.1:port → target. cut() resets every live
/// connection and refuses new ones for `downMs`; throttle limits the bytes per
/// second sent towards the server (0: unlimited).
export class Proxy {
  constructor(targetPort) {
    this.targetPort = targetPort
    this.sockets = new Set()
    this.throttle = 0
    this.up = 0
  }

  async start(port = 0) {
    this.server = net.createServer((client) => this.connection(client))
    await new Promise((resolve) => this.server.listen(port, '127.0.0.1', resolve))
    this.port = this.server.address().port
    return this.port
  }

  connection(client) {
    const upstream = net.connect({ host: '127.0.0.1', port: this.targetPort })
    this.sockets.add(client)
    this.sockets.add(upstream)
    client.on('data', (data) => {
      this.up += data.length
      if (!upstream.write(data)) {
        client.pause()
        upstream.once('drain', () => client.resume())
      }
      if (this.throttle > 0) {
        client.pause()
        setTimeout(() => client.destroyed || client.resume(), (data.length * 1000) / this.throttle)
      }
    })
    upstream.pipe(client)
    const drop = () => {
      client.destroy()
      upstream.destroy()
      this.sockets.delete(client)
      this.sockets.delete(upstream)
    }
    client.on('error', drop)
    upstream.on('error', drop)
    client.on('close', drop)
    upstream.on('close', drop)
    client.on('end', () => upstream.end())
  }

  /// Drops the network path: live connections are reset, the port refuses
  /// connections for downMs, then listens again on the same port.
  async cut(downMs = 1500) {
    await new Promise((resolve) => {
      this.server.close(resolve)
      for (const socket of this.sockets) socket.resetAndDestroy ? socket.resetAndDestroy() : socket.destroy()
      this.sockets.clear()
    })
    await sleep(downMs)
    await this.start(this.port)
  }

  async stop() {
    for (const socket of this.sockets) socket.destroy()
    await new Promise((resolve) => this.server.close(resolve))
  }
}

export class Server {
  /// `name` names the server log in the artefacts directory (<name>.log).
  constructor(name = 'server') {
    this.name = name
  }

  async start() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-browser-'))
    this.port = await freePort()
    this.proxy = new Proxy(this.port)
    const proxyPort = await this.proxy.start()
    this.url = `http://127.0.0.1:${proxyPort}`
    this.dataDir = path.join(this.dir, 'data')
    const config = `
[server]
listen = "127.0.0.1:${this.port}"
public_url = "${this.url}"
data_dir = "${this.dataDir}"
${process.env.SEALPOST_STATIC_DIR ? `static_dir = "${process.env.SEALPOST_STATIC_DIR}"` : ''}
[policy]
internal_domains = ["regionuppsala.se", "akademiska.se"]
sender_domain_hints = { "lul.se" = "Do not use your @lul.se address here; use your @regionuppsala.se or @akademiska.se address." }
[limits]
min_free_disk = "1MiB"
[mail]
transport = "spool"
[kdf]
opslimit = 1
memlimit = "8MiB"
`
    this.configFile = path.join(this.dir, 'sealpost.toml')
    fs.writeFileSync(this.configFile, config)
    this.logFile = path.join(artifacts, `${this.name}.log`)
    this.log = fs.createWriteStream(this.logFile)
    this.child = spawn(findExe(), ['serve', '--config', this.configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child.stdout.pipe(this.log)
    this.child.stderr.pipe(this.log)
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })))
    let gone = null
    this.exited.then((result) => {
      gone = result
    })
    await waitFor('sealpost to listen', async () => {
      if (gone) throw new Error(`sealpost serve exited (${JSON.stringify(gone)}); see ${this.logFile}`)
      try {
        const response = await fetch(`http://127.0.0.1:${this.port}/healthz`)
        return response.ok
      } catch {
        return false
      }
    }, 20000)
    return this
  }

  /// Runs `sealpost admin ARGS… --config …` with `input` on standard input.
  admin(args, input = '') {
    const result = spawnSync(findExe(), ['admin', ...args, '--config', this.configFile], { input, encoding: 'utf8' })
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }

  async stop() {
    await this.proxy.stop()
    this.child.kill('SIGTERM')
    const result = await this.exited
    if (!process.env.SEALPOST_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true })
    return result
  }

  /// Every spooled e-mail to `address`, decoded (text/plain part), oldest
  /// first: in the order the spool wrote them (the names are random; the
  /// outbox writes one file at a time, so modification times order them).
  mails(address) {
    const dir = path.join(this.dataDir, 'mail')
    if (!fs.existsSync(dir)) return []
    return fs.readdirSync(dir).filter((name) => name.endsWith('.eml'))
      .map((name) => ({ name, written: fs.statSync(path.join(dir, name), { bigint: true }).mtimeNs }))
      .sort((a, b) => (a.written < b.written ? -1 : a.written > b.written ? 1 : a.name.localeCompare(b.name)))
      .map(({ name }) => parseMail(fs.readFileSync(path.join(dir, name), 'latin1')))
      .filter((mail) => (mail.headers.to || '').toLowerCase().includes(address.toLowerCase()))
  }

  async verificationCode(address, after = 0) {
    const mail = await waitFor(`a verification code mail to ${address}`, () => this.mails(address).filter((m) => /code/i.test(m.headers.subject || ''))[after])
    const match = /:\s*\n\s+(\S+)\s*\n/.exec(mail.text)
    if (!match) throw new Error(`no code in ${mail.text}`)
    return match[1]
  }

  async downloadLink(address, transferNumber = 0) {
    const mail = await waitFor(`a notification mail to ${address}`, () => this.mails(address).filter((m) => /\/d\//.test(m.text))[transferNumber])
    return /https?:\/\/\S+\/d\/[A-Za-z0-9_-]+/.exec(mail.text)[0]
  }
}

/// The RFC 6238 code (HMAC-SHA-1, 30 s, 6 digits) of a base32 secret, as an
/// authenticator app shows it.
export function totp(secretBase32, unixTime = Date.now() / 1000) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(unixTime / 30)))
  const mac = crypto.createHmac('sha1', key).update(counter).digest()
  const offset = mac[mac.length - 1] & 0xf
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0')
}

function decodeQuotedPrintable(text) {
  const bytes = Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1')
  return bytes.toString('utf8')
}

export function parseMail(raw) {
  const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n')
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ')
  const headers = {}
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  // The text/plain part (or the whole body), quoted-printable decoded.
  const body = raw.slice(split).replace(/\r\n/g, '\n')
  const part = /Content-Type: text\/plain[^\n]*\n(?:[^\n]+\n)*\n([\s\S]*?)(?:\n--|$)/i.exec(body)
  const text = decodeQuotedPrintable(part ? part[1] : body)
  return { headers, text }
}

export async function launchBrowser() {
  // playwright-core starts Chromium with a fresh temporary profile
  // (--user-data-dir) of its own and removes it on close.
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  })
}

/// A full-page screenshot; with `part` (a height, or {y, height}), also that
/// band of the page alone (`<name>-part.png`, as used in docs/screenshots).
export async function shot(page, name, part = 0) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true })
  if (part) {
    const { y = 0, height } = typeof part === 'number' ? { height: part } : part
    const width = page.viewportSize().width
    await page.screenshot({ path: path.join(artifacts, `${name}-part.png`), fullPage: true, clip: { x: 0, y, width, height } })
  }
}

export function sha256File(file) {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256')
    fs.createReadStream(file).on('data', (d) => hash.update(d)).on('end', () => resolve(hash.digest('hex'))).on('error', reject)
  })
}

/// A file of `size` bytes with varied content (so that a wrong offset shows).
export function makeFile(dir, name, size, seed = 1) {
  const file = path.join(dir, name)
  const fd = fs.openSync(file, 'w')
  const block = Buffer.alloc(1 << 20)
  let x = seed >>> 0 || 1
  for (let i = 0; i < block.length; i += 4) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0
    block.writeUInt32LE(x, i)
  }
  for (let written = 0; written < size;) {
    const n = Math.min(block.length, size - written)
    block.writeUInt32LE(written / block.length, 0)
    fs.writeSync(fd, block, 0, n)
    written += n
  }
  fs.closeSync(fd)
  return file
}
