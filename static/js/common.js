// Shared page helpers: the language switch, the cookie check (cookies.js),
// formatting of sizes, times and durations, small DOM builders and readable
// messages for API problems.
import { showCookieNotice } from './cookies.js'
import { LANGUAGES, applyTranslations, language, setLanguage, t } from './i18n.js'

export function initPage() {
  const select = document.getElementById('lang')
  if (select) {
    select.replaceChildren(
      ...Object.entries(LANGUAGES).map(([code, name]) => {
        const option = new Option(name, code)
        option.lang = code
        return option
      }),
    )
    select.value = language()
    select.addEventListener('change', () => setLanguage(select.value))
  }
  applyTranslations()
  cookieCheck = showCookieNotice()
}

let cookieCheck = Promise.resolve(false)

/// Resolves to true when this page shows the notice that cookies are refused.
export function cookiesBlocked() {
  return cookieCheck
}

/// Creates an element: el('p', {class: 'x', text: 'hi'}, child, …).
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'text') node.textContent = value
    else if (key === 'class') node.className = value
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value)
    else if (key in node && typeof value !== 'string') node[key] = value
    else node.setAttribute(key, value === true ? '' : value)
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child)
  return node
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(bytes) {
  let value = Number(bytes) || 0
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${value.toLocaleString(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${UNITS[unit]}`
}

function locale() {
  return language() === 'sv' ? 'sv-SE' : 'en-GB'
}

export function formatTime(iso) {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return String(iso)
  return date.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' })
}

export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/// A readable sentence for an ApiError (problem+json) or any other error.
export function problemText(error) {
  if (!error || error.status === undefined) return t('error.generic', { status: '?', detail: String(error?.message ?? error) })
  const p = error.problem || {}
  if (error.status === 0) return t('error.network')
  if (error.status === 429) return t('error.429')
  if (error.status === 401 && !p.detail) return t('error.401')
  if (error.status === 404 && !p.detail) return t('error.404')
  const detail = p.detail || p.title || ''
  if (error.status === 403) return t('error.403', { detail })
  return t('error.generic', { status: error.status, detail })
}

/// Shows `text` in the element (an alert region) or clears it.
export function showMessage(target, text, kind = 'error') {
  target.textContent = text || ''
  target.hidden = !text
  target.className = `message ${kind}`
}

/// Two-step revoke: a button that, when pressed, asks again inline.
export function revokeControl(onConfirm) {
  const box = el('div', { class: 'revoke' })
  const question = el('div', { class: 'confirm', hidden: true, role: 'group' })
  const ask = el('button', { type: 'button', class: 'danger', text: t('revoke') })
  const yes = el('button', { type: 'button', class: 'danger', text: t('revoke.yes') })
  const no = el('button', { type: 'button', text: t('revoke.cancel') })
  question.append(el('p', { text: t('revoke.confirm') }), yes, ' ', no)
  ask.addEventListener('click', () => {
    ask.hidden = true
    question.hidden = false
    no.focus()
  })
  no.addEventListener('click', () => {
    question.hidden = true
    ask.hidden = false
    ask.focus()
  })
  yes.addEventListener('click', async () => {
    yes.disabled = true
    try {
      await onConfirm()
      box.remove()
    } finally {
      yes.disabled = false
    }
  })
  box.append(ask, question)
  return box
}

/// "QUICK" (opens without a password) or "password", as a small badge.
export function quickBadge(quick) {
  return el('span', { class: `badge ${quick ? 'quick' : 'password'}`, 'data-quick': String(quick), text: t(quick ? 'quick.badge.quick' : 'quick.badge.password') })
}
