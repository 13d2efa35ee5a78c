// The sender part of the Provide wizard: identities already verified in this
// browser (GET /api/v1/senders; pick, edit name/phone, remove, add) and the
// e-mail code verification for a new one (POST /api/v1/verifications…).
import { api } from './api.js'
import { el, formatTime, problemText, showMessage } from './common.js'
import { t } from './i18n.js'

const $ = (id) => document.getElementById(id)

export class SenderPicker {
  /// `onChange(email|null)` is called whenever the chosen sender changes.
  constructor({ preferred, onChange }) {
    this.preferred = (preferred || '').toLowerCase()
    this.onChange = onChange
    this.senders = []
    this.selected = null
    this.verificationId = null
    $('verify-form').addEventListener('submit', (e) => this.requestCode(e))
    $('code-form').addEventListener('submit', (e) => this.confirmCode(e))
    $('code-back').addEventListener('click', () => this.showVerify())
    $('add-identity').addEventListener('click', () => this.showVerify())
    if (preferred) $('v-email').value = preferred
  }

  async load() {
    try {
      const data = await api('GET', '/api/v1/senders')
      this.senders = data?.senders ?? []
    } catch (error) {
      // 401: no cookie yet, which just means a first visit.
      this.senders = []
      if (error.status !== 401 && error.status !== 404) showMessage($('verify-error'), problemText(error))
    }
    $('sender-loading').hidden = true
    if (this.senders.length === 0) {
      $('identities').hidden = true
      this.select(null)
      this.showVerify(false)
      return
    }
    const keep = this.senders.find((s) => s.email.toLowerCase() === (this.selected || this.preferred))
    this.renderList()
    this.select((keep ?? this.senders[0]).email)
    $('identities').hidden = false
    $('verify-form').hidden = true
    $('code-form').hidden = true
  }

  select(email) {
    this.selected = email
    for (const input of document.querySelectorAll('#identity-list input[type=radio]')) input.checked = input.value === email
    this.onChange(email)
  }

  renderList() {
    const list = $('identity-list')
    list.replaceChildren()
    for (const sender of this.senders) {
      const id = `id-${sender.email.replace(/[^a-z0-9]/gi, '_')}`
      const radio = el('input', { type: 'radio', name: 'identity', id, value: sender.email, onchange: () => this.select(sender.email) })
      const label = el('label', { for: id },
        el('strong', { text: sender.name || sender.email }), ' ',
        el('span', { text: `<${sender.email}>` }),
        sender.phone ? el('span', { class: 'muted', text: ` · ${sender.phone}` }) : null,
        sender.verified_until ? el('span', { class: 'muted small', text: ` · ${t('upload.identity.until', { date: formatTime(sender.verified_until) })}` }) : null)
      const edit = el('button', { type: 'button', class: 'small', text: t('upload.identity.edit'), 'aria-label': `${t('upload.identity.edit')} ${sender.email}` })
      const remove = el('button', { type: 'button', class: 'small danger-outline', text: t('upload.identity.remove'), 'aria-label': `${t('upload.identity.remove')} ${sender.email}` })
      const item = el('li', { class: 'identity' }, el('div', { class: 'check' }, radio, label), el('div', { class: 'actions' }, edit, ' ', remove))
      edit.addEventListener('click', () => this.editForm(item, sender, edit))
      remove.addEventListener('click', () => this.remove(sender))
      list.append(item)
    }
  }

  editForm(item, sender, button) {
    if (item.querySelector('form')) return
    const name = el('input', { value: sender.name || '', autocomplete: 'name' })
    const phone = el('input', { type: 'tel', value: sender.phone || '', autocomplete: 'tel' })
    const error = el('p', { class: 'message error', role: 'alert', hidden: true })
    const nameId = `edit-name-${Math.random().toString(36).slice(2)}`
    name.id = nameId
    phone.id = `${nameId}-phone`
    const form = el('form', { class: 'inline-edit', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: name.id, text: t('upload.verify.name') }), name),
      el('div', { class: 'field' }, el('label', { for: phone.id, text: t('upload.verify.phone') }), phone),
      error,
      el('button', { type: 'submit', text: t('upload.identity.save') }), ' ',
      el('button', { type: 'button', text: t('upload.identity.cancel'), onclick: () => { form.remove(); button.focus() } }))
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      try {
        await api('PATCH', `/api/v1/senders/${encodeURIComponent(sender.email)}`, { name: name.value.trim(), phone: phone.value.trim() })
        showMessage($('identity-status'), t('upload.identity.saved'), 'ok')
        await this.load()
      } catch (err) {
        showMessage(error, problemText(err))
      }
    })
    item.append(form)
    name.focus()
  }

  async remove(sender) {
    try {
      await api('DELETE', `/api/v1/senders/${encodeURIComponent(sender.email)}`)
      if (this.selected === sender.email) this.selected = null
      await this.load()
      showMessage($('identity-status'), t('upload.identity.removed', { email: sender.email }), 'ok')
    } catch (err) {
      showMessage($('identity-status'), problemText(err))
    }
  }

  showVerify(focus = true) {
    $('verify-form').hidden = false
    $('code-form').hidden = true
    showMessage($('verify-error'), '')
    if (focus) $('v-name').focus()
  }

  async requestCode(event) {
    event.preventDefault()
    const body = { name: $('v-name').value.trim(), email: $('v-email').value.trim(), phone: $('v-phone').value.trim() }
    for (const [field, id] of [['name', 'v-name'], ['email', 'v-email'], ['phone', 'v-phone']]) {
      const input = $(id)
      const bad = !body[field] || (field === 'email' && !input.checkValidity())
      input.toggleAttribute('aria-invalid', bad)
      if (bad) {
        showMessage($('verify-error'), `${input.labels[0].textContent}: ${input.validationMessage || '—'}`)
        input.focus()
        return
      }
    }
    $('verify-send').disabled = true
    try {
      const data = await api('POST', '/api/v1/verifications', body)
      this.verificationId = data.verification_id
      this.pendingEmail = body.email
      showMessage($('verify-error'), '')
      $('verify-form').hidden = true
      $('code-form').hidden = false
      $('code-sent').textContent = t('upload.verify.sent', { email: body.email })
      $('v-code').value = ''
      showMessage($('code-error'), '')
      $('v-code').focus()
    } catch (error) {
      // 400 for a hinted domain carries the hint in `detail`.
      showMessage($('verify-error'), error.status === 400 && error.problem?.detail ? error.problem.detail : problemText(error))
      $('v-email').setAttribute('aria-invalid', 'true')
      $('v-email').focus()
    } finally {
      $('verify-send').disabled = false
    }
  }

  async confirmCode(event) {
    event.preventDefault()
    const code = $('v-code').value.trim()
    if (!code) {
      $('v-code').focus()
      return
    }
    $('code-confirm').disabled = true
    try {
      const data = await api('POST', `/api/v1/verifications/${encodeURIComponent(this.verificationId)}`, { code })
      this.selected = (data?.sender?.email || this.pendingEmail).toLowerCase()
      showMessage($('identity-status'), t('upload.verify.done', { email: data?.sender?.email || this.pendingEmail }), 'ok')
      await this.load()
      this.onVerified?.()
    } catch (error) {
      let text = problemText(error)
      if (error.status === 400 && error.problem?.attempts_left !== undefined) text = t('upload.verify.attempts', { n: error.problem.attempts_left })
      if (error.status === 410) text = t('upload.verify.expired')
      showMessage($('code-error'), text)
      $('v-code').setAttribute('aria-invalid', 'true')
      $('v-code').focus()
    } finally {
      $('code-confirm').disabled = false
    }
  }
}
