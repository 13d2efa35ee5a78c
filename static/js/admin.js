// The administration page (/admin): sign-in (password and TOTP), transfers
// with search, unlock and delete, the audit log with filters, paging, export
// and chain verification, QUICK connections (list by address, delete; an
// administrator never creates or restores one), and statistics. Uses /api/v1/admin/… with the
// sp_admin session cookie.
import { api, query } from './api.js'
import { el, formatBytes, formatTime, initPage, problemText, showMessage } from './common.js'
import { t } from './i18n.js'

const $ = (id) => document.getElementById(id)
const EVENTS = ['verification_requested', 'verification_confirmed', 'verification_failed', 'transfer_created', 'file_uploaded',
  'transfer_provided', 'notification_sent', 'notification_failed', 'download_unlocked', 'password_failed', 'transfer_locked',
  'transfer_unlocked', 'transfer_deleted_attempts', 'file_downloaded', 'zip_downloaded', 'message_read', 'transfer_revoked',
  'transfer_expired', 'quick_activated', 'quick_reactivated', 'admin_login', 'admin_login_failed', 'admin_deleted',
  'admin_user_added', 'admin_user_removed', 'identity_exported', 'quick_connection_deleted', 'quick_code_created',
  'quick_code_failed']
initPage()
const anyEvent = new Option(t('admin.status.any'), '')
anyEvent.dataset.i18n = 'admin.status.any'
$('a-event').replaceChildren(anyEvent, ...EVENTS.map((e) => new Option(e, e)))

function say(text, kind = 'ok') {
  showMessage($('admin-message'), text, kind)
}

async function signedIn() {
  $('login').hidden = true
  $('console').hidden = false
  await searchTransfers()
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault()
  const body = { username: $('username').value.trim(), password: $('admin-password').value }
  const totp = $('totp').value.trim()
  if (totp) body.totp = totp
  try {
    await api('POST', '/api/v1/admin/session', body)
    $('admin-password').value = ''
    $('totp').value = ''
    showMessage($('login-error'), '')
    await signedIn()
  } catch (error) {
    showMessage($('login-error'), error.status === 401 ? t('admin.badlogin') : problemText(error))
    $('admin-password').focus()
  }
})
$('logout').addEventListener('click', async () => {
  try {
    await api('DELETE', '/api/v1/admin/session')
  } catch {
    // signed out anyway
  }
  $('console').hidden = true
  $('login').hidden = false
  $('username').focus()
})

for (const button of document.querySelectorAll('[data-tab]')) {
  button.addEventListener('click', () => {
    showMessage($('admin-message'), '')
    for (const other of document.querySelectorAll('[data-tab]')) {
      other.setAttribute('aria-pressed', String(other === button))
      $(other.dataset.tab).hidden = other !== button
    }
    if (button.dataset.tab === 'audit-tab') loadAudit(null)
    if (button.dataset.tab === 'quick-tab') loadQuick()
    if (button.dataset.tab === 'stats-tab') loadStats()
  })
}

// ---- transfers ------------------------------------------------------------
function text(value) {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? v.email : v)).join(', ')
  if (typeof value === 'object') return value.email || JSON.stringify(value)
  return String(value)
}

async function searchTransfers() {
  const q = query({ status: $('f-status').value, sender: $('f-sender').value.trim(), recipient: $('f-recipient').value.trim() })
  try {
    const data = await api('GET', `/api/v1/admin/transfers${q}`)
    const list = data?.transfers || []
    $('transfers').tBodies[0].replaceChildren(...list.map(transferRow))
    $('transfers-empty').hidden = list.length > 0
  } catch (error) {
    if (error.status === 401) return showLogin()
    say(problemText(error), 'error')
  }
}

function transferRow(tr) {
  const locked = tr.locked_until && new Date(tr.locked_until) > new Date()
  const actions = el('td', { class: 'actions' })
  if (locked) {
    actions.append(el('button', { type: 'button', class: 'small', text: t('admin.unlock'), 'aria-label': `${t('admin.unlock')} ${tr.id}`, onclick: () => unlockTransfer(tr.id) }), ' ')
  }
  if (tr.status !== 'deleted') {
    actions.append(el('button', { type: 'button', class: 'small danger-outline', text: t('admin.delete'), 'aria-label': `${t('admin.delete')} ${tr.id}`, onclick: () => deleteTransfer(tr.id) }))
  }
  return el('tr', { 'data-id': tr.id },
    el('th', { scope: 'row', class: 'mono', text: tr.id }),
    el('td', { text: tr.status ? t(`status.state.${tr.status}`) : '' }),
    el('td', { text: text(tr.sender) }),
    el('td', { text: text(tr.recipients) }),
    el('td', { text: formatTime(tr.created_at) }),
    el('td', { text: formatTime(tr.expires_at) }),
    el('td', { text: tr.locked_until ? formatTime(tr.locked_until) : '' }),
    actions)
}

async function unlockTransfer(id) {
  try {
    await api('POST', `/api/v1/admin/transfers/${encodeURIComponent(id)}/unlock`)
    say(t('admin.unlocked', { id }))
    await searchTransfers()
  } catch (error) {
    say(problemText(error), 'error')
  }
}

async function deleteTransfer(id) {
  if (!window.confirm(t('admin.delete.confirm', { id }))) return
  try {
    await api('DELETE', `/api/v1/admin/transfers/${encodeURIComponent(id)}`)
    say(t('admin.deleted', { id }))
    await searchTransfers()
  } catch (error) {
    say(problemText(error), 'error')
  }
}

$('transfer-search').addEventListener('submit', (event) => {
  event.preventDefault()
  searchTransfers()
})

// ---- audit ----------------------------------------------------------------
let nextCursor = null

function utc(localValue) {
  if (!localValue) return ''
  const date = new Date(localValue)
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function auditFilters() {
  return {
    transfer: $('a-transfer').value.trim(),
    email: $('a-email').value.trim(),
    event: $('a-event').value,
    since: utc($('a-since').value),
    until: utc($('a-until').value),
  }
}

async function loadAudit(cursor) {
  const filters = auditFilters()
  $('export-json').href = `/api/v1/admin/audit${query({ ...filters, format: 'jsonl' })}`
  $('export-csv').href = `/api/v1/admin/audit${query({ ...filters, format: 'csv' })}`
  try {
    const data = await api('GET', `/api/v1/admin/audit${query({ ...filters, cursor })}`)
    const events = Array.isArray(data) ? data : data?.events || []
    nextCursor = data?.cursor ?? data?.next_cursor ?? null
    $('audit').tBodies[0].replaceChildren(
      ...events.map((e) =>
        el('tr', {},
          el('td', { class: 'num', text: String(e.seq ?? '') }),
          el('td', { text: e.time || '' }),
          el('td', { text: e.event || '' }),
          el('td', { class: 'mono', text: e.transfer_id || '' }),
          el('td', { text: e.email || '' }),
          el('td', { text: e.ip || '' }),
          el('td', {}, el('code', { class: 'small', text: e.detail && Object.keys(e.detail).length ? JSON.stringify(e.detail) : '' })))),
    )
    $('audit-next').disabled = !nextCursor
  } catch (error) {
    if (error.status === 401) return showLogin()
    say(problemText(error), 'error')
  }
}

$('audit-filter').addEventListener('submit', (event) => {
  event.preventDefault()
  loadAudit(null)
})
$('audit-next').addEventListener('click', () => nextCursor && loadAudit(nextCursor))
$('audit-first').addEventListener('click', () => loadAudit(null))
$('verify').addEventListener('click', async () => {
  try {
    const result = await api('GET', '/api/v1/admin/audit/verify')
    showMessage($('verify-result'), result.ok ? t('admin.audit.verify.ok', { n: result.events, head: (result.head || '').slice(0, 16) }) : t('admin.audit.verify.bad', { n: result.events }), result.ok ? 'ok' : 'error')
  } catch (error) {
    showMessage($('verify-result'), problemText(error), 'error')
  }
})

// ---- QUICK connections ----------------------------------------------------
async function loadQuick() {
  try {
    const data = await api('GET', `/api/v1/admin/quick${query({ email: $('q-email').value.trim() })}`)
    const list = data?.connections || []
    $('quick').tBodies[0].replaceChildren(
      ...list.map((c) =>
        el('tr', { 'data-email': c.email, 'data-partner': c.partner },
          el('td', { text: c.email }),
          el('td', { text: c.partner }),
          el('td', { text: formatTime(c.created_at) }),
          el('td', { class: 'num', text: String(c.browsers ?? '') }),
          el('td', { class: 'actions' },
            el('button', { type: 'button', class: 'small danger-outline', text: t('admin.delete'), 'aria-label': `${t('admin.delete')} ${c.email} – ${c.partner}`, onclick: () => deleteQuick(c) })))),
    )
    $('quick-empty').hidden = list.length > 0
  } catch (error) {
    if (error.status === 401) return showLogin()
    say(problemText(error), 'error')
  }
}

async function deleteQuick(c) {
  if (!window.confirm(t('admin.quick.delete.confirm', { email: c.email, partner: c.partner }))) return
  try {
    await api('DELETE', `/api/v1/admin/quick/${encodeURIComponent(c.email)}/${encodeURIComponent(c.partner)}`)
    say(t('admin.quick.deleted', { email: c.email, partner: c.partner }))
    await loadQuick()
  } catch (error) {
    say(problemText(error), 'error')
  }
}

$('quick-filter').addEventListener('submit', (event) => {
  event.preventDefault()
  loadQuick()
})

// ---- stats ----------------------------------------------------------------
function flatten(prefix, value, out) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(prefix ? `${prefix}.${key}` : key, inner, out)
  } else {
    out.push([prefix, value])
  }
  return out
}

async function loadStats() {
  try {
    const stats = await api('GET', '/api/v1/admin/stats')
    $('stats').replaceChildren(
      ...flatten('', stats, []).flatMap(([key, value]) => [
        el('dt', { text: key.replace(/_/g, ' ') }),
        el('dd', { text: /bytes|disk/.test(key) && typeof value === 'number' ? `${formatBytes(value)} (${value})` : String(value) }),
      ]),
    )
  } catch (error) {
    if (error.status === 401) return showLogin()
    say(problemText(error), 'error')
  }
}
$('stats-refresh').addEventListener('click', loadStats)

function showLogin() {
  $('console').hidden = true
  $('login').hidden = false
  $('username').focus()
}

// Already signed in (the session cookie is still valid)?
api('GET', '/api/v1/admin/stats')
  .then(() => signedIn())
  .catch(() => showLogin())
