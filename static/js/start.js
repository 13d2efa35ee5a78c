// The start page: Provide / Retrieve and the language switch.
import { initPage, showMessage } from './common.js'
import { t } from './i18n.js'

initPage()
const form = document.getElementById('retrieve-form')
const input = document.getElementById('retrieve-link')
const error = document.getElementById('retrieve-error')
form.addEventListener('submit', (event) => {
  event.preventDefault()
  const match = /(?:^|\/)d\/([A-Za-z0-9_-]{8,})\/?(?:[?#].*)?$/.exec(input.value.trim())
  if (!match) {
    showMessage(error, t('start.retrieve.bad'))
    input.setAttribute('aria-invalid', 'true')
    input.focus()
    return
  }
  location.assign(`/d/${match[1]}`)
})
document.getElementById('retrieve').addEventListener('click', (event) => {
  event.preventDefault()
  input.focus()
})
