// The Retrieve page (/d/{download_id}): who sent it and until when, the
// password (POST …/unlock sets an access cookie scoped to this download), then
// the files with sizes and SHA-256, Download / Open, the ZIP, the checksums
// file and the confidential message.
// QUICK: a browser with a QUICK connection to the sender is told
// password_required:false and unlocks with no password at once. A transfer
// that carries a QUICK invitation for this recipient offers "Activate QUICK"
// beside the password; activation needs this browser verified for the address
// the link was sent to, so a 403 quick_identity_required walks through that
// verification here (the password stays in this page's memory meanwhile) and
// then retries the unlock with activation.
import { api } from './api.js'
import { el, formatBytes, formatTime, initPage, problemText, showMessage } from './common.js'
import { onLanguageChange, t } from './i18n.js'
import { VerifyBox } from './verify.js'

const $ = (id) => document.getElementById(id)
initPage()
const id = decodeURIComponent(location.pathname.split('/')[2] || '')
const base = `/api/v1/downloads/${encodeURIComponent(id)}`
let info = null
let unlocked = null
let quickState = '' // 'opened' (no password needed) or 'activated'
let pendingPassword = null // kept only while the recipient verifies the address

/// A transfer sent with QUICK alone has no password: it opens only in a
/// browser that holds the recipient's QUICK key.
function showQuickOnly() {
  $('unlock-form').hidden = true
  $('quick-only').hidden = false
  $('quick-only').focus()
}

function gone(key) {
  for (const section of ['info', 'unlock-form', 'quick-only', 'content']) $(section).hidden = true
  showMessage($('page-error'), t(key))
  $('page-error').focus()
}

function renderInfo() {
  if (!info) return
  const s = info.sender || {}
  $('sender').replaceChildren(
    el('strong', { text: s.name || '' }), s.name ? el('br') : '',
    s.email ? el('a', { href: `mailto:${s.email}`, text: s.email }) : '', s.phone ? el('br') : '',
    s.phone ? el('a', { href: `tel:${s.phone.replace(/[^+\d]/g, '')}`, text: s.phone }) : '')
  $('expires').textContent = formatTime(info.expires_at)
  $('info').hidden = false
  renderQuick()
}

function renderQuick() {
  const slot = $('quick-slot')
  slot.hidden = !info?.quick_invitation
  if (slot.hidden) return
  const sender = info.sender?.email
  const recipient = info.recipient
  $('activate-quick-label').textContent = sender && recipient ? t('retrieve.quick.activate', { sender, recipient }) : t('retrieve.quick.activate.plain')
  $('activate-quick-help').textContent = t('retrieve.quick.help', { recipient: recipient || '' })
  $('activate-quick').setAttribute('aria-describedby', 'activate-quick-help')
}

function renderQuickStatus() {
  const box = $('quick-status')
  if (quickState === 'opened') showMessage(box, t('retrieve.quick.opened'), 'ok')
  else if (quickState === 'activated') showMessage(box, t('retrieve.quick.activated', { sender: info?.sender?.email || '', recipient: info?.recipient || '' }), 'ok')
  else showMessage(box, '')
}

/// Verifies `email` in this browser (the recipient's own address), then
/// repeats the unlock with activation.
function askVerification(password, email) {
  pendingPassword = password
  $('unlock-form').hidden = true
  $('quick-verify').hidden = false
  const box = new VerifyBox($('quick-verify-box'), {
    prefix: 'qv',
    email,
    fixedEmail: true,
    intro: t('retrieve.quick.verify', { email }),
    onVerified: async () => {
      $('quick-verify').hidden = true
      const again = pendingPassword
      pendingPassword = null
      $('unlock-form').hidden = false
      await unlock(again, true)
    },
    onCancel: () => {
      pendingPassword = null
      $('quick-verify').hidden = true
      $('activate-quick').checked = false
      $('unlock-form').hidden = false
      $('password').focus()
    },
  })
  box.focus()
}

function showLock(until) {
  showMessage($('unlock-error'), t('retrieve.locked', { time: formatTime(until) }))
}

async function load() {
  try {
    info = await api('GET', base)
  } catch (error) {
    $('loading').hidden = true
    if (error.status === 410) return gone('retrieve.gone')
    if (error.status === 404) return gone('retrieve.unknown')
    showMessage($('page-error'), problemText(error))
    return
  }
  $('loading').hidden = true
  renderInfo()
  if (info.password_required === false) {
    await unlock(undefined)
    if (unlocked) return
  }
  if (info.quick_only) return showQuickOnly()
  $('unlock-form').hidden = false
  if (info.locked_until && new Date(info.locked_until) > new Date()) showLock(info.locked_until)
  $('password').focus()
}

async function unlock(password, activate = false) {
  const button = $('unlock')
  button.disabled = true
  try {
    const body = password === undefined ? {} : { password }
    if (activate) body.activate_quick = true
    unlocked = await api('POST', `${base}/unlock`, body)
    $('unlock-form').hidden = true
    $('password').value = ''
    showMessage($('unlock-error'), '')
    quickState = unlocked.quick_activated ? 'activated' : password === undefined ? 'opened' : ''
    renderQuickStatus()
    renderFiles()
    if (unlocked.message) await loadMessage()
    $('content').hidden = false
    $('content').focus()
  } catch (error) {
    const p = error.problem || {}
    if (error.status === 410) return gone('retrieve.gone')
    if (password === undefined) return
    if (p.reason === 'quick_only') return showQuickOnly()
    if (error.status === 403 && p.reason === 'quick_identity_required') return askVerification(password, p.email || info?.recipient || '')
    let text
    if (error.status === 400 && p.reason === 'quick_no_invitation') {
      text = t('retrieve.quick.noinvitation')
      $('activate-quick').checked = false
      if (info) info.quick_invitation = false
      $('quick-slot').hidden = true
    } else if (error.status === 401) {
      text = p.attempts_left !== undefined ? t('retrieve.wrong', { n: p.attempts_left }) : t('retrieve.wrong.plain')
      if (p.attempts_before_deletion !== undefined) text += ` ${t('retrieve.deletion', { n: p.attempts_before_deletion })}`
    } else if (error.status === 423) {
      return showLock(p.locked_until)
    } else {
      text = problemText(error)
    }
    showMessage($('unlock-error'), text)
    $('password').select()
    $('password').focus()
  } finally {
    button.disabled = false
  }
}

function renderFiles() {
  const files = unlocked.files || []
  const body = $('files').tBodies[0]
  body.replaceChildren(
    ...files.map((file) => {
      const url = `${base}/files/${encodeURIComponent(file.id)}`
      return el('tr', { 'data-file-id': file.id },
        el('th', { scope: 'row', class: 'file-name', text: file.name }),
        el('td', { class: 'num', text: formatBytes(file.size) }),
        el('td', {}, el('code', { class: 'hash', text: file.sha256 || '' })),
        el('td', { class: 'actions' },
          el('a', { class: 'button small', href: url, download: file.name, text: t('retrieve.download'), 'aria-label': `${t('retrieve.download')} ${file.name}` }), ' ',
          el('a', { class: 'button small secondary', href: `${url}?inline=1`, target: '_blank', rel: 'noopener', text: t('retrieve.open'), 'aria-label': `${t('retrieve.open')} ${file.name}` })))
    }),
  )
  $('files').hidden = files.length === 0
  $('no-files').hidden = files.length !== 0
  $('zip').href = `${base}/zip`
  $('checksums').href = `${base}/checksums`
  $('checksums').hidden = files.length === 0
}

async function loadMessage() {
  try {
    const data = await api('GET', `${base}/message`)
    $('message').textContent = data.message ?? ''
    $('message-box').hidden = false
  } catch (error) {
    $('message').textContent = problemText(error)
    $('message-box').hidden = false
  }
}

$('unlock-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const password = $('password').value
  if (!password) {
    $('password').focus()
    return
  }
  unlock(password, !$('quick-slot').hidden && $('activate-quick').checked)
})
onLanguageChange(() => {
  renderInfo()
  renderQuickStatus()
  if (unlocked) renderFiles()
})
load()
