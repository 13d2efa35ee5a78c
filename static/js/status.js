// The sender's status page (/t/{id}): per-recipient downloads, whether each
// reception opens with QUICK or needs the password, and Revoke.
// Opened from the confirmation e-mail with ?revoke_token=…, the token is taken
// out of the address bar at once and used only for the revoke request.
import { api, query } from './api.js'
import { el, formatBytes, formatTime, initPage, problemText, quickBadge, revokeControl, showMessage } from './common.js'
import { onLanguageChange, t } from './i18n.js'

const $ = (id) => document.getElementById(id)
initPage()
const id = decodeURIComponent(location.pathname.split('/')[2] || '')
const revokeToken = new URLSearchParams(location.search).get('revoke_token') || ''
if (revokeToken) history.replaceState(null, '', location.pathname)
let transfer = null

function render() {
  if (!transfer) return
  $('t-id').textContent = transfer.id
  $('t-status').textContent = t(`status.state.${transfer.status}`)
  $('t-status').dataset.status = transfer.status
  $('t-sender').textContent = typeof transfer.sender === 'object' ? transfer.sender.email : transfer.sender || ''
  $('t-created').textContent = formatTime(transfer.created_at)
  $('t-expires').textContent = formatTime(transfer.expires_at)
  const files = transfer.files || []
  $('t-files').textContent = t(files.length === 1 ? 'upload.files.total.one' : 'upload.files.total', { count: files.length, size: formatBytes(files.reduce((s, f) => s + (f.size || 0), 0)) })
  $('t-failed').textContent = String(transfer.failed_attempts ?? 0)
  $('t-locked').textContent = transfer.locked_until ? formatTime(transfer.locked_until) : '—'
  // QUICK: per recipient, whether the reception opens without a password.
  const quick = (transfer.recipients || []).some((r) => typeof r.quick === 'boolean')
  $('quick-col').hidden = !quick
  $('recipients').tBodies[0].replaceChildren(
    ...(transfer.recipients || []).map((r) =>
      el('tr', { 'data-email': r.email },
        el('th', { scope: 'row', text: r.email }),
        el('td', { class: 'num', text: String(r.downloads ?? 0) }),
        el('td', { text: r.last_download_at ? formatTime(r.last_download_at) : t('status.never') }),
        quick ? el('td', { class: 'quick-cell' }, quickBadge(r.quick === true)) : null)),
  )
  $('details').hidden = false
}

function showRevoke() {
  const active = !transfer || transfer.status === 'open' || transfer.status === 'provided'
  $('revoke-box').hidden = !active
  if (!active) return
  $('revoke').replaceChildren(
    revokeControl(async () => {
      try {
        await api('DELETE', `/api/v1/transfers/${encodeURIComponent(id)}${query({ revoke_token: revokeToken })}`)
        showMessage($('revoke-message'), t('revoke.done'), 'ok')
        if (transfer) {
          transfer.status = 'revoked'
          render()
        }
      } catch (error) {
        showMessage($('revoke-message'), problemText(error))
        throw error
      }
    }),
  )
}

async function load() {
  try {
    transfer = await api('GET', `/api/v1/transfers/${encodeURIComponent(id)}`)
    render()
  } catch (error) {
    if (!revokeToken) {
      showMessage($('page-error'), error.status === 401 || error.status === 403 ? t('status.forbidden') : problemText(error))
    } else {
      $('token-note').hidden = false
    }
  }
  $('loading').hidden = true
  if (transfer || revokeToken) showRevoke()
}

onLanguageChange(() => {
  render()
  if (!$('revoke-box').hidden) showRevoke()
})
load()
