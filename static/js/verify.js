// An e-mail verification form that any page can put in a container: name,
// address and phone → POST /api/v1/verifications (a code is mailed), then the
// code → POST /api/v1/verifications/{id}, which adds the identity to this
// browser's sp_client cookie. The retrieve page uses it to verify the
// recipient's own address before activating QUICK, the QUICK page before
// entering an activation code. Element ids start with `prefix`.
import { api } from './api.js'
import { el, problemText, showMessage } from './common.js'
import { t } from './i18n.js'

export class VerifyBox {
  /// `email`: the address to verify (fixed when `fixedEmail`); `onVerified(sender)`
  /// runs after a correct code; `onCancel` adds a Cancel button.
  constructor(container, { prefix, email = '', fixedEmail = false, intro, onVerified, onCancel }) {
    this.container = container
    this.prefix = prefix
    this.onVerified = onVerified
    this.verificationId = null
    const id = (name) => `${prefix}-${name}`
    const field = (name, label, props) => el('div', { class: 'field' }, el('label', { for: id(name), text: label }), el('input', { id: id(name), ...props }))
    this.requestForm = el('form', { id: id('request'), novalidate: true },
      el('p', { text: intro || (email ? t('verify.intro', { email }) : t('verify.intro.any')) }),
      field('name', t('upload.verify.name'), { autocomplete: 'name', required: true }),
      field('email', t('upload.verify.email'), { type: 'email', autocomplete: 'email', required: true, value: email, readOnly: fixedEmail }),
      field('phone', t('upload.verify.phone'), { type: 'tel', autocomplete: 'tel', required: true }),
      el('p', { id: id('request-error'), class: 'message error', role: 'alert', hidden: true }),
      el('button', { type: 'submit', id: id('send'), class: 'primary', text: t('upload.verify.send') }),
      onCancel ? ' ' : null,
      onCancel ? el('button', { type: 'button', text: t('verify.cancel'), onclick: onCancel }) : null)
    this.codeForm = el('form', { id: id('code-form'), novalidate: true, hidden: true },
      el('p', { id: id('sent'), role: 'status' }),
      field('code', t('upload.verify.code'), { autocomplete: 'one-time-code', required: true }),
      el('p', { id: id('code-error'), class: 'message error', role: 'alert', hidden: true }),
      el('button', { type: 'submit', id: id('confirm'), class: 'primary', text: t('upload.verify.confirm') }), ' ',
      el('button', { type: 'button', class: 'link', text: t('upload.verify.resend'), onclick: () => this.back() }))
    this.requestForm.addEventListener('submit', (event) => this.request(event))
    this.codeForm.addEventListener('submit', (event) => this.confirm(event))
    container.replaceChildren(this.requestForm, this.codeForm)
  }

  $(name) {
    return this.container.querySelector(`#${this.prefix}-${name}`)
  }

  focus() {
    this.$('name').focus()
  }

  back() {
    this.codeForm.hidden = true
    this.requestForm.hidden = false
    this.focus()
  }

  async request(event) {
    event.preventDefault()
    const body = { name: this.$('name').value.trim(), email: this.$('email').value.trim(), phone: this.$('phone').value.trim() }
    for (const name of ['name', 'email', 'phone']) {
      const input = this.$(name)
      const bad = !body[name] || !input.checkValidity()
      input.toggleAttribute('aria-invalid', bad)
      if (bad) {
        showMessage(this.$('request-error'), `${input.labels[0].textContent}: ${input.validationMessage || '—'}`)
        input.focus()
        return
      }
    }
    this.$('send').disabled = true
    try {
      const data = await api('POST', '/api/v1/verifications', body)
      this.verificationId = data.verification_id
      this.email = body.email
      showMessage(this.$('request-error'), '')
      this.requestForm.hidden = true
      this.codeForm.hidden = false
      this.$('sent').textContent = t('upload.verify.sent', { email: body.email })
      this.$('code').value = ''
      showMessage(this.$('code-error'), '')
      this.$('code').focus()
    } catch (error) {
      showMessage(this.$('request-error'), error.status === 400 && error.problem?.detail ? error.problem.detail : problemText(error))
    } finally {
      this.$('send').disabled = false
    }
  }

  async confirm(event) {
    event.preventDefault()
    const code = this.$('code').value.trim()
    if (!code) {
      this.$('code').focus()
      return
    }
    this.$('confirm').disabled = true
    try {
      const data = await api('POST', `/api/v1/verifications/${encodeURIComponent(this.verificationId)}`, { code })
      this.$('code').removeAttribute('aria-invalid')
      await this.onVerified?.(data?.sender || { email: this.email })
    } catch (error) {
      let text = problemText(error)
      if (error.status === 400 && error.problem?.attempts_left !== undefined) text = t('upload.verify.attempts', { n: error.problem.attempts_left })
      if (error.status === 410) text = t('upload.verify.expired')
      showMessage(this.$('code-error'), text)
      this.$('code').setAttribute('aria-invalid', 'true')
      this.$('code').focus()
    } finally {
      this.$('confirm').disabled = false
    }
  }
}
