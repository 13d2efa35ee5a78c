// The QUICK page (/quick): this browser's QUICK connections (GET
// /api/v1/quick) with Delete; "Make an activation code" for one of its own
// addresses (POST /api/v1/quick/activation-codes: 24 h, single use) to carry
// the keys to another browser; and "Enter an activation code" (POST
// /api/v1/quick/reactivate), which first walks through the verification of
// that address when this browser is not verified for it yet (403
// quick_identity_required).
import { api } from './api.js'
import { el, formatTime, initPage, problemText, showMessage } from './common.js'
import { onLanguageChange, t } from './i18n.js'
import { VerifyBox } from './verify.js'

const $ = (id) => document.getElementById(id)
initPage()
let connections = []
let senders = []
let lastCode = null

function say(text, kind = 'ok') {
  showMessage($('quick-message'), text, kind)
}

function render() {
  const body = $('quick-connections').tBodies[0]
  body.replaceChildren(
    ...connections.map((c) =>
      el('tr', { 'data-email': c.email, 'data-partner': c.partner },
        el('td', { text: c.email }),
        el('th', { scope: 'row', text: c.partner }),
        el('td', { text: formatTime(c.created_at) }),
        el('td', { class: 'actions' },
          el('button', { type: 'button', class: 'small danger-outline', text: t('quick.delete'), 'aria-label': t('quick.delete.label', { email: c.email, partner: c.partner }), onclick: () => remove(c) })))),
  )
  $('quick-connections').hidden = connections.length === 0
  $('connections-empty').hidden = connections.length !== 0
  // Codes can be made for this browser's own addresses that have connections.
  const own = [...new Set(connections.map((c) => c.email))]
  const select = $('make-email')
  const chosen = select.value
  select.replaceChildren(...own.map((email) => new Option(email, email)))
  if (own.includes(chosen)) select.value = chosen
  $('make-form').hidden = own.length === 0
  $('make-none').hidden = own.length !== 0
  renderCode()
  // Suggest this browser's address, unless the field is already in use.
  const input = $('enter-email')
  if (!input.value && senders.length && document.activeElement !== input && !input.dataset.touched) input.value = senders[0].email
}

function renderCode() {
  $('code-result').hidden = !lastCode
  if (!lastCode) return
  $('code-for').textContent = t('quick.make.done', { email: lastCode.email })
  $('code-value').textContent = lastCode.code
  $('code-expires').textContent = t('quick.make.expires', { time: formatTime(lastCode.expires_at), email: lastCode.email })
}

async function load() {
  try {
    const config = await api('GET', '/api/v1/config')
    if (config.quick_enabled === false) showMessage($('page-error'), t('quick.disabled'), 'info')
  } catch {
    // the page still lists what the server answers below
  }
  try {
    senders = (await api('GET', '/api/v1/senders'))?.senders || []
  } catch {
    senders = [] // 401: nothing verified in this browser yet
  }
  try {
    connections = (await api('GET', '/api/v1/quick'))?.connections || []
  } catch (error) {
    connections = []
    if (error.status !== 401) showMessage($('page-error'), problemText(error))
  }
  $('loading').hidden = true
  render()
}

async function remove(c) {
  if (!window.confirm(t('quick.delete.confirm', { email: c.email, partner: c.partner }))) return
  try {
    await api('DELETE', `/api/v1/quick/${encodeURIComponent(c.email)}/${encodeURIComponent(c.partner)}`)
    say(t('quick.deleted', { email: c.email, partner: c.partner }))
    await load()
  } catch (error) {
    say(problemText(error), 'error')
  }
}

$('make-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const email = $('make-email').value
  if (!email) return
  $('make-code').disabled = true
  showMessage($('make-error'), '')
  try {
    const data = await api('POST', '/api/v1/quick/activation-codes', { email })
    lastCode = { email, code: data.code, expires_at: data.expires_at }
    renderCode()
  } catch (error) {
    lastCode = null
    renderCode()
    showMessage($('make-error'), problemText(error))
  } finally {
    $('make-code').disabled = false
  }
})

async function reactivate() {
  const email = $('enter-email').value.trim()
  const code = $('enter-code').value.trim()
  for (const input of [$('enter-email'), $('enter-code')]) {
    const bad = !input.value.trim() || !input.checkValidity()
    input.toggleAttribute('aria-invalid', bad)
    if (bad) {
      showMessage($('enter-error'), `${input.labels[0].textContent}: ${input.validationMessage || '—'}`)
      input.focus()
      return
    }
  }
  $('enter-submit').disabled = true
  showMessage($('enter-error'), '')
  showMessage($('enter-done'), '')
  try {
    const data = await api('POST', '/api/v1/quick/reactivate', { email, code })
    const n = Number(data?.restored ?? 0)
    $('enter-code').value = ''
    showMessage($('enter-done'), n === 1 ? t('quick.enter.done.one') : t('quick.enter.done', { n }), 'ok')
    await load()
  } catch (error) {
    const p = error.problem || {}
    if (error.status === 403 && p.reason === 'quick_identity_required') return verifyFirst(p.email || email)
    let text = problemText(error)
    if (error.status === 400 && p.attempts_left !== undefined) text = t('quick.enter.wrong', { n: p.attempts_left })
    if (error.status === 410) text = p.attempts_left === 0 ? t('quick.enter.toomany') : t('quick.enter.expired')
    if (error.status === 429) text = t('quick.enter.wait', { n: Number(error.retryAfter || p.retry_after || 60) })
    showMessage($('enter-error'), text)
    $('enter-code').setAttribute('aria-invalid', 'true')
    $('enter-code').focus()
  } finally {
    $('enter-submit').disabled = false
  }
}

/// This browser is not verified for `email`: verify it, then enter the code again.
function verifyFirst(email) {
  $('enter-form').hidden = true
  $('enter-verify').hidden = false
  const box = new VerifyBox($('enter-verify'), {
    prefix: 'ev',
    email,
    fixedEmail: true,
    intro: t('quick.enter.verify', { email }),
    onVerified: async () => {
      $('enter-verify').hidden = true
      $('enter-form').hidden = false
      await reactivate()
    },
    onCancel: () => {
      $('enter-verify').hidden = true
      $('enter-form').hidden = false
      $('enter-email').focus()
    },
  })
  box.focus()
}

$('enter-email').addEventListener('input', (event) => {
  event.target.dataset.touched = '1'
})
$('enter-form').addEventListener('submit', (event) => {
  event.preventDefault()
  reactivate()
})
onLanguageChange(render)
load()
