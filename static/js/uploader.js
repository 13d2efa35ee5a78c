// Uploads a transfer's files with tus-js-client (the browser build embedded as
// /vendor/tus.min.js) one after the other, with per-file and overall progress
// (bytes, speed, time left). Uploads resume after a dropped connection (tus
// retries from the server's durable Upload-Offset) and after a page reload
// (tus fingerprints in localStorage map a re-selected file to its upload URL).
import { el, formatBytes, formatDuration } from './common.js'
import { t } from './i18n.js'

const $ = (id) => document.getElementById(id)
const CHUNK_SIZE = 64 * 1024 * 1024
// A dropped link is retried for several minutes before the user is asked.
const RETRY_DELAYS = [0, 1000, 2000, 3000, 5000, 5000, 10000, 10000, 15000, 20000, 30000, 30000, 30000, 30000, 60000, 60000]

export class Uploader {
  constructor(uploadUrl, files) {
    this.endpoint = new URL(uploadUrl, location.href).href
    this.files = files
    this.done = files.map(() => 0)
    this.complete = files.map(() => false)
    this.total = files.reduce((sum, f) => sum + f.size, 0)
    this.samples = []
    this.lastRender = 0
    this.rows = files.map((file) => {
      const bar = el('progress', { max: Math.max(file.size, 1), value: 0 })
      const text = el('span', { class: 'progress-text', text: t('upload.progress.waiting') })
      const name = el('span', { class: 'file-name', text: file.name })
      bar.setAttribute('aria-label', file.name)
      const row = el('li', { class: 'progress-item' }, el('div', { class: 'progress-label' }, name, ' ', text), bar)
      return { row, bar, text }
    })
    $('progress-list').replaceChildren(...this.rows.map((r) => r.row))
    this.render(true)
  }

  /// Uploads every file not yet complete; resolves when all are stored.
  async run() {
    if (typeof window.tus === 'undefined') throw new Error(t('error.notus'))
    for (let i = 0; i < this.files.length; ++i) {
      if (this.complete[i]) continue
      await this.uploadOne(i)
      this.complete[i] = true
      this.done[i] = this.files[i].size
      this.rows[i].text.textContent = t('upload.progress.complete')
      this.rows[i].bar.value = this.rows[i].bar.max
      $('progress-status').textContent = `${this.files[i].name}: ${t('upload.progress.complete')}`
      this.render(true)
    }
  }

  uploadOne(index) {
    const file = this.files[index]
    return new Promise((resolve, reject) => {
      const upload = new window.tus.Upload(file, {
        endpoint: this.endpoint,
        chunkSize: CHUNK_SIZE,
        retryDelays: RETRY_DELAYS,
        metadata: { filename: file.name, filetype: file.type || 'application/octet-stream' },
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        onProgress: (sent) => {
          this.done[index] = sent
          if (this.retrying) {
            this.retrying = false
            $('progress-status').textContent = ''
          }
          this.render(false)
        },
        onChunkComplete: (_chunk, accepted) => {
          this.done[index] = accepted
        },
        onShouldRetry: (error) => {
          const status = error?.originalResponse ? error.originalResponse.getStatus() : 0
          const retry = !(status >= 400 && status < 500) || status === 409 || status === 423
          if (retry) {
            this.retrying = true
            $('progress-status').textContent = t('upload.progress.retrying')
          }
          return retry
        },
        onSuccess: () => resolve(),
        onError: (error) => reject(error),
      })
      upload
        .findPreviousUploads()
        .then((previous) => {
          if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0])
          upload.start()
        })
        .catch(reject)
    })
  }

  render(force) {
    const now = performance.now()
    if (!force && now - this.lastRender < 250) return
    this.lastRender = now
    const sent = this.done.reduce((a, b) => a + b, 0)
    this.samples.push([now, sent])
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift()
    const [t0, b0] = this.samples[0]
    const speed = now > t0 ? ((sent - b0) * 1000) / (now - t0) : 0
    const left = speed > 0 ? (this.total - sent) / speed : NaN
    const overall = $('overall')
    overall.max = Math.max(this.total, 1)
    overall.value = sent
    let text = t('upload.progress.line', { done: formatBytes(sent), total: formatBytes(this.total) })
    if (sent < this.total && speed > 0) text += ` · ${t('upload.progress.rate', { speed: formatBytes(speed), left: formatDuration(left) })}`
    $('overall-text').textContent = text
    overall.setAttribute('aria-valuetext', text)
    this.files.forEach((file, i) => {
      const { bar, text: label } = this.rows[i]
      bar.value = this.done[i]
      if (!this.complete[i] && this.done[i] > 0) label.textContent = t('upload.progress.line', { done: formatBytes(this.done[i]), total: formatBytes(file.size) })
    })
  }
}
