// The Provide wizard (/upload): sender, recipients, message, files, options,
// password and notification text; then the upload with progress and the
// confirmation with Revoke. An interrupted transfer (its id, upload URL,
// recipients and file names — never the password) is kept in localStorage so
// that a reload can resume it.
// QUICK (when the server has it on): a checkbox, on by default; the policy
// check names the recipients this browser already has a QUICK connection with
// (quick_connected), each recipient is shown as "QUICK" or "password", and the
// password is asked for only when some recipient is not connected (it is that
// recipient's invitation). The confirmation says which recipient is which.
import { api } from './api.js'
import { el, formatBytes, formatTime, initPage, problemText, quickBadge, revokeControl, showMessage } from './common.js'
import { language, onLanguageChange, t } from './i18n.js'
import { PasswordField } from './password.js'
import { SenderPicker } from './sender.js'
import { Uploader } from './uploader.js'

const $ = (id) => document.getElementById(id)
const PENDING_KEY = 'sealpost.pending'
const RECIPIENTS_KEY = 'sealpost.recipients'
const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/

initPage()
const params = new URLSearchParams(location.search)
let config = { max_retention_days: 10, default_retention_days: 10, languages: ['en', 'sv'], password_policy: {}, max_transfer_size: 0 }
let sender = null
let files = []
let transfer = null
let uploader = null
let transferPassword = '' // shown once on the confirmation, never stored
let quickConnected = new Set() // recipients (lower case) with a QUICK connection to the sender

export function splitAddresses(text) {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean)
}

function readJson(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback
  } catch {
    return fallback
  }
}
function writeJson(key, value) {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // storage full or disabled: nothing to remember then
  }
}

// ---- sender -------------------------------------------------------------
const picker = new SenderPicker({
  preferred: params.get('from'),
  onChange: (email) => {
    sender = email
    quickConnected = new Set() // per sender: asked again below
    $('transfer-form').hidden = !email || !!transfer
    if (email) scheduleRecipientCheck()
  },
})
picker.onVerified = () => $('to').focus()

// ---- recipients ---------------------------------------------------------
for (const field of ['to', 'cc', 'bcc']) {
  const values = params.getAll(field).flatMap(splitAddresses)
  if (values.length) $(field).value = values.join(', ')
}
if ($('cc').value || $('bcc').value) $('ccbcc').open = true
if (params.get('subject')) $('subject').value = params.get('subject')

function recipients() {
  return { to: splitAddresses($('to').value), cc: splitAddresses($('cc').value), bcc: splitAddresses($('bcc').value) }
}

function renderSuggestions() {
  const known = readJson(RECIPIENTS_KEY, [])
  const present = new Set(Object.values(recipients()).flat().map((a) => a.toLowerCase()))
  const list = known.filter((a) => !present.has(a.toLowerCase())).slice(0, 8)
  $('suggestions').hidden = list.length === 0
  $('suggestion-list').replaceChildren(
    ...list.map((address) =>
      el('button', {
        type: 'button', class: 'chip', text: address, 'aria-label': t('upload.suggest.add', { email: address }),
        onclick: () => {
          const current = $('to').value.trim()
          $('to').value = current ? `${current}, ${address}` : address
          renderSuggestions()
          scheduleRecipientCheck()
          $('to').focus()
        },
      })),
  )
}

function rememberRecipients(addresses) {
  const known = readJson(RECIPIENTS_KEY, [])
  const merged = [...addresses, ...known.filter((a) => !addresses.some((b) => b.toLowerCase() === a.toLowerCase()))]
  writeJson(RECIPIENTS_KEY, merged.slice(0, 50))
}

let checkTimer = null
let checkSerial = 0
function scheduleRecipientCheck() {
  clearTimeout(checkTimer)
  checkTimer = setTimeout(() => checkRecipients(false), 600)
}

/// Validates the addresses and asks the server's policy; true when allowed.
async function checkRecipients(strict) {
  const r = recipients()
  const all = [...r.to, ...r.cc, ...r.bcc]
  const box = $('recipients-error')
  showMessage($('recipients-ok'), '')
  if (r.to.length === 0) {
    if (strict) showMessage(box, t('upload.recipients.none'))
    else showMessage(box, '')
    $('to').toggleAttribute('aria-invalid', strict)
    return false
  }
  const invalid = all.filter((a) => !EMAIL.test(a))
  if (invalid.length) {
    showMessage(box, t('upload.recipients.invalid', { list: invalid.join(', ') }))
    $('to').setAttribute('aria-invalid', 'true')
    return false
  }
  if (!sender) return false
  const serial = ++checkSerial
  try {
    const result = await api('POST', '/api/v1/policy/check', { sender, recipients: all })
    if (serial !== checkSerial) return false
    quickConnected = new Set((result.quick_connected || []).map((a) => a.toLowerCase()))
    renderQuick()
    if (result.allowed) {
      showMessage(box, '')
      $('to').removeAttribute('aria-invalid')
      showMessage($('recipients-ok'), t('upload.recipients.ok'), 'ok')
      return true
    }
    showRefused(result.failed_recipients || [])
    return false
  } catch (error) {
    if (serial !== checkSerial) return false
    if (error.problem?.failed_recipients) showRefused(error.problem.failed_recipients)
    else showMessage(box, problemText(error))
    return false
  }
}

/// The policy's stable reason codes in words; others as the server gave them.
function reasonText(failed) {
  const key = `upload.reason.${failed.reason}`
  const text = t(key)
  return text !== key ? text : failed.message || failed.reason || ''
}

// ---- QUICK ----------------------------------------------------------------
function quickOn() {
  return !!config.quick_enabled && $('quick').checked
}

function allRecipients() {
  const r = recipients()
  const seen = new Set()
  return [...r.to, ...r.cc, ...r.bcc].filter((a) => EMAIL.test(a) && !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()))
}

/// The recipients that need a password (all of them without QUICK).
function needingPassword() {
  const all = allRecipients()
  return quickOn() ? all.filter((a) => !quickConnected.has(a.toLowerCase())) : all
}

function renderQuick() {
  $('quick-slot').hidden = !config.quick_enabled
  const summary = $('quick-summary')
  const all = allRecipients()
  if (!quickOn() || all.length === 0) {
    summary.replaceChildren()
    $('password-part').hidden = false
    return
  }
  const need = needingPassword()
  summary.replaceChildren(
    el('p', { class: 'help', text: t('upload.quick.per') }),
    el('ul', { class: 'quick-list', id: 'quick-recipients' },
      ...all.map((address) => el('li', { 'data-email': address }, el('span', { text: address }), quickBadge(quickConnected.has(address.toLowerCase()))))),
    el('p', { class: 'message info', text: need.length ? t('upload.quick.some', { list: need.join(', ') }) : t('upload.quick.none') }),
  )
  $('password-part').hidden = need.length === 0
}
$('quick').addEventListener('change', () => renderQuick())

function showRefused(failed) {
  const box = $('recipients-error')
  box.replaceChildren(
    el('span', { text: t('upload.recipients.refused') }),
    el('ul', {}, ...failed.map((f) => el('li', { 'data-email': f.email, 'data-reason': f.reason || '' }, el('strong', { text: f.email }), ` — ${reasonText(f)}`))),
  )
  box.hidden = false
  box.className = 'message error'
  $('to').setAttribute('aria-invalid', 'true')
}

for (const id of ['to', 'cc', 'bcc']) {
  $(id).addEventListener('input', () => {
    renderSuggestions()
    renderQuick()
    scheduleRecipientCheck()
  })
  $(id).addEventListener('blur', () => {
    clearTimeout(checkTimer)
    if ($('to').value.trim()) checkRecipients(false)
  })
}
renderSuggestions()

// ---- files --------------------------------------------------------------
function addFiles(list) {
  for (const file of list) {
    if (!files.some((f) => f.name === file.name && f.size === file.size && f.lastModified === file.lastModified)) files.push(file)
  }
  renderFiles()
}

function renderFiles() {
  $('file-list').replaceChildren(
    ...files.map((file, index) =>
      el('li', {},
        el('span', { class: 'file-name', text: file.name }), ' ',
        el('span', { class: 'muted', text: formatBytes(file.size) }), ' ',
        el('button', {
          type: 'button', class: 'small', text: '✕', 'aria-label': t('upload.files.remove', { name: file.name }),
          onclick: () => {
            files.splice(index, 1)
            renderFiles()
            $('files').focus()
          },
        }))),
  )
  const total = files.reduce((sum, f) => sum + f.size, 0)
  $('file-total').textContent = files.length ? t(files.length === 1 ? 'upload.files.total.one' : 'upload.files.total', { count: files.length, size: formatBytes(total) }) : ''
  if (config.max_transfer_size && total > config.max_transfer_size) showMessage($('files-error'), t('upload.files.toobig', { size: formatBytes(config.max_transfer_size) }))
  else showMessage($('files-error'), '')
}

for (const id of ['files', 'camera']) {
  $(id).addEventListener('change', (event) => {
    addFiles(event.target.files)
    event.target.value = ''
  })
}
const zone = $('dropzone')
zone.addEventListener('dragover', (event) => {
  event.preventDefault()
  zone.classList.add('over')
})
zone.addEventListener('dragleave', () => zone.classList.remove('over'))
zone.addEventListener('drop', (event) => {
  event.preventDefault()
  zone.classList.remove('over')
  addFiles(event.dataTransfer.files)
})

// ---- options ------------------------------------------------------------
function renderOptions() {
  const retention = $('retention')
  const chosen = Number(retention.value) || config.default_retention_days || config.max_retention_days
  retention.replaceChildren()
  for (let days = 1; days <= config.max_retention_days; ++days) retention.append(new Option(days === 1 ? t('upload.day') : t('upload.days', { n: days }), days))
  retention.value = Math.min(chosen, config.max_retention_days)
  const lang = $('language')
  const chosenLang = lang.value || language()
  lang.replaceChildren(...(config.languages || ['en', 'sv']).map((code) => new Option({ en: 'English', sv: 'Svenska' }[code] || code, code)))
  lang.value = (config.languages || []).includes(chosenLang) ? chosenLang : (config.languages || ['en'])[0]
}

const password = new PasswordField()

// ---- start --------------------------------------------------------------
$('transfer-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const formError = $('form-error')
  showMessage(formError, '')
  const r = recipients()
  const allowed = await checkRecipients(true)
  if (!allowed) {
    $('to').focus()
    return
  }
  const message = $('message').value
  const total = files.reduce((sum, f) => sum + f.size, 0)
  if (files.length === 0 && !message.trim()) {
    showMessage($('files-error'), t('upload.files.none'))
    $('files').focus()
    return
  }
  if (config.max_transfer_size && total > config.max_transfer_size) {
    $('files').focus()
    return
  }
  const quick = quickOn()
  const pw = needingPassword().length > 0 ? await password.validValue() : ''
  if (pw === null) return
  const subject = $('subject').value
  const body = $('body').value
  if (pw && (subject.includes(pw) || body.includes(pw))) {
    showMessage(formError, t('upload.notification.haspassword'))
    $('body').focus()
    return
  }
  const request = {
    sender,
    recipients: r.to,
    cc: r.cc,
    bcc: r.bcc,
    message: message.trim() ? message : null,
    retention_days: Number($('retention').value),
    language: $('language').value,
    notify_on_provided: $('notify-provided').checked,
    notify_on_download: $('notify-download').checked,
    show_filenames: $('show-filenames').checked,
    // A password from /passwords/generate is known to the page already, so it
    // is sent like a typed one: the sender sees exactly what the server uses.
    // With QUICK it is the invitation of the recipients not yet connected.
    password_mode: quick ? 'quick' : 'manual',
  }
  if (pw) request.password = pw
  if (subject.trim() || body.trim()) request.notification = { subject: subject.trim(), body }
  $('start').disabled = true
  try {
    const created = await api('POST', '/api/v1/transfers', request)
    transfer = {
      id: created.id,
      upload_url: created.upload_url,
      expires_at: created.expires_at,
      recipients: [...r.to, ...r.cc, ...r.bcc],
      quick: Array.isArray(created.recipients) ? created.recipients.map((x) => ({ email: x.email, quick: x.quick === true })) : null,
      files: files.map((f) => ({ name: f.name, size: f.size, type: f.type, lastModified: f.lastModified })),
    }
    writeJson(PENDING_KEY, transfer)
    rememberRecipients([...r.to, ...r.cc, ...r.bcc])
    transferPassword = pw
    password.forget()
    startUpload()
  } catch (error) {
    if (error.problem?.violations) password.showViolations(error.problem.violations)
    if (error.problem?.failed_recipients) {
      showRefused(error.problem.failed_recipients)
      // No longer connected (deleted meanwhile): these need a password now.
      for (const f of error.problem.failed_recipients) if (f.reason === 'quick_not_connected') quickConnected.delete(f.email.toLowerCase())
      renderQuick()
    }
    if (error.status === 401) await picker.load()
    showMessage(formError, problemText(error))
    formError.focus?.()
  } finally {
    $('start').disabled = false
  }
})

async function startUpload() {
  $('transfer-form').hidden = true
  $('sender').hidden = true
  $('resume').hidden = true
  $('progress').hidden = false
  $('progress-title').focus?.()
  showMessage($('progress-error'), '')
  $('progress-retry').hidden = true
  if (!uploader) uploader = new Uploader(transfer.upload_url, files)
  try {
    await uploader.run()
    $('progress-status').textContent = t('upload.progress.submitting')
    const provided = await api('POST', `/api/v1/transfers/${encodeURIComponent(transfer.id)}/submit`)
    writeJson(PENDING_KEY, null)
    showDone(provided)
  } catch (error) {
    const text = error instanceof Error && error.status === undefined ? error.message : problemText(error)
    showMessage($('progress-error'), t('upload.progress.failed', { message: text }))
    $('progress-retry').hidden = false
    $('progress-retry').focus()
  }
}
$('progress-retry').addEventListener('click', () => startUpload())

function showDone(provided) {
  $('progress').hidden = true
  const done = $('done')
  done.hidden = false
  $('done-id').textContent = provided?.id || transfer.id
  $('done-expires').textContent = formatTime(provided?.expires_at || transfer.expires_at)
  $('done-password').textContent = transferPassword || '—'
  if (transfer.quick?.length) {
    // Per recipient: QUICK (no password) or the password (an invitation).
    $('done-recipients').replaceChildren(el('ul', { class: 'quick-list' },
      ...transfer.quick.map((r) => el('li', { 'data-email': r.email }, el('span', { text: r.email }), quickBadge(r.quick),
        el('span', { class: 'muted small', text: t(r.quick ? 'upload.done.quick' : 'upload.done.withpassword') })))))
    const need = transfer.quick.filter((r) => !r.quick).map((r) => r.email)
    if (need.length === 0) $('done-password').textContent = t('upload.done.nopassword')
    delete $('done-advice').dataset.i18n
    $('done-advice').textContent = need.length ? t('upload.done.advice.some', { list: need.join(', ') }) : t('upload.done.advice.none')
  } else {
    $('done-recipients').textContent = transfer.recipients.join(', ')
  }
  transferPassword = ''
  const status = $('done-status')
  status.href = `/t/${encodeURIComponent(transfer.id)}`
  status.textContent = `${location.origin}/t/${transfer.id}`
  $('done-revoke').replaceChildren(
    revokeControl(async () => {
      try {
        await api('DELETE', `/api/v1/transfers/${encodeURIComponent(transfer.id)}`)
        showMessage($('done-message'), t('revoke.done'), 'ok')
      } catch (error) {
        showMessage($('done-message'), problemText(error))
        throw error
      }
    }),
  )
  done.focus()
}

// ---- an interrupted transfer --------------------------------------------
function offerResume(pending) {
  $('resume').hidden = false
  $('resume-text').textContent = t('upload.resume.text', { id: pending.id, recipients: pending.recipients.join(', ') })
}

$('resume-files').addEventListener('change', (event) => {
  const pending = readJson(PENDING_KEY, null)
  const chosen = [...event.target.files]
  event.target.value = ''
  const ordered = pending.files.map((want) => chosen.find((f) => f.name === want.name && f.size === want.size))
  if (ordered.some((f) => !f)) {
    showMessage($('resume-error'), t('upload.resume.mismatch', { names: pending.files.map((f) => f.name).join(', ') }))
    return
  }
  transfer = pending
  files = ordered
  startUpload()
})
$('resume-discard').addEventListener('click', async () => {
  const pending = readJson(PENDING_KEY, null)
  writeJson(PENDING_KEY, null)
  $('resume').hidden = true
  if (pending?.id) {
    try {
      await api('DELETE', `/api/v1/transfers/${encodeURIComponent(pending.id)}`)
    } catch {
      // gone already
    }
  }
})

// ---- boot ---------------------------------------------------------------
onLanguageChange(() => {
  renderOptions()
  renderFiles()
  renderSuggestions()
  renderQuick()
  password.renderRules(config.password_policy)
  if (!$('identities').hidden) picker.renderList()
})

async function boot() {
  try {
    config = { ...config, ...(await api('GET', '/api/v1/config')) }
  } catch (error) {
    showMessage($('page-error'), problemText(error))
  }
  renderOptions()
  $('quick').checked = !!config.quick_enabled
  renderQuick()
  password.renderRules(config.password_policy)
  password.init()
  const pending = readJson(PENDING_KEY, null)
  if (pending?.id && pending.upload_url) offerResume(pending)
  await picker.load()
}
boot()
