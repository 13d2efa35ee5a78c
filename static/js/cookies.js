// The cookie check of every page. The service needs cookies: the sender's
// verification (sp_client), QUICK keys and the access cookie of a download
// all live in them. When the browser refuses them — navigator.cookieEnabled
// is false, or the short-lived test cookie that GET /api/v1/cookies sets does
// not come back on two calls in a row — the page says so at the top, with
// what to do, instead of failing later with a puzzling error.
import { api } from './api.js'
import { onLanguageChange, t } from './i18n.js'

/// True when the browser does not keep this site's cookies.
export async function cookiesRefused() {
  if (!navigator.cookieEnabled) return true
  for (let call = 0; call < 2; ++call) {
    try {
      const answer = await api('GET', '/api/v1/cookies')
      if (answer?.returned !== false) return false
    } catch {
      // An older server without the check, or no network: nothing to tell.
      return false
    }
  }
  return true
}

function render(box) {
  box.replaceChildren()
  const title = document.createElement('h2')
  title.textContent = t('cookies.title')
  const text = document.createElement('p')
  text.textContent = t('cookies.text')
  const list = document.createElement('ul')
  for (const key of ['cookies.allow', 'cookies.private']) {
    const item = document.createElement('li')
    item.textContent = t(key)
    list.append(item)
  }
  const reload = document.createElement('button')
  reload.type = 'button'
  reload.textContent = t('cookies.reload')
  reload.addEventListener('click', () => location.reload())
  box.append(title, text, list, reload)
}

/// Runs the check and, when cookies are refused, puts the notice at the top
/// of <main>. Resolves to true when the notice is shown.
export async function showCookieNotice() {
  if (!(await cookiesRefused())) return false
  const main = document.getElementById('main') || document.body
  let box = document.getElementById('cookie-notice')
  if (!box) {
    box = document.createElement('section')
    box.id = 'cookie-notice'
    box.className = 'card warn cookie-notice'
    box.setAttribute('role', 'alert')
    main.prepend(box)
    onLanguageChange(() => render(box))
  }
  render(box)
  return true
}
