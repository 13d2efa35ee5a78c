// The password part of the Provide wizard: a server-generated password
// (POST /api/v1/passwords/generate) or one typed by the sender with each
// violated rule named while typing (POST /api/v1/passwords/check), the rules
// as a tooltip, show/hide and copy to the clipboard. The password stays in
// this page's memory only.
import { api } from './api.js'
import { el, problemText } from './common.js'
import { t } from './i18n.js'

const $ = (id) => document.getElementById(id)

export class PasswordField {
  constructor() {
    this.input = $('password')
    this.generated = ''
    this.timer = null
    this.serial = 0
    this.lastViolations = []
    for (const radio of document.querySelectorAll('input[name=pwmode]')) radio.addEventListener('change', () => this.modeChanged())
    this.input.addEventListener('input', () => this.scheduleCheck())
    $('pw-show').addEventListener('click', () => this.toggleShow())
    $('pw-copy').addEventListener('click', () => this.copy())
    $('pw-new').addEventListener('click', () => this.generate())
    const button = $('rules-button')
    const tip = $('rules')
    const setOpen = (open) => {
      tip.hidden = !open
      button.setAttribute('aria-expanded', String(open))
    }
    button.addEventListener('click', () => setOpen(tip.hidden))
    button.addEventListener('mouseenter', () => setOpen(true))
    button.addEventListener('mouseleave', () => setOpen(false))
    button.addEventListener('blur', () => setOpen(false))
    button.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') setOpen(false)
    })
  }

  init() {
    this.modeChanged()
  }

  mode() {
    return document.querySelector('input[name=pwmode]:checked').value
  }

  renderRules(policy = {}) {
    const rules = []
    if (policy.min_length) rules.push(['min_length', t('upload.password.rule.min_length', { n: policy.min_length })])
    if (policy.require_upper) rules.push(['upper', t('upload.password.rule.upper')])
    if (policy.require_lower) rules.push(['lower', t('upload.password.rule.lower')])
    if (policy.max_sequence) rules.push(['sequence', t('upload.password.rule.sequence', { n: policy.max_sequence + 1 })])
    this.policy = policy
    $('rules-list').replaceChildren(...rules.map(([rule, text]) => el('li', { 'data-rule': rule, text })))
    if (this.lastViolations.length) this.showViolations(this.lastViolations)
  }

  ruleName(rule) {
    const policy = this.policy || {}
    switch (rule) {
      case 'min_length': return t('upload.password.rule.min_length', { n: policy.min_length ?? 12 })
      case 'upper': return t('upload.password.rule.upper')
      case 'lower': return t('upload.password.rule.lower')
      case 'sequence': return t('upload.password.rule.sequence', { n: (policy.max_sequence ?? 2) + 1 })
      default: return rule
    }
  }

  async modeChanged() {
    const generated = this.mode() === 'generated'
    this.input.readOnly = generated
    $('pw-new').hidden = !generated
    this.showViolations([])
    if (generated) {
      this.input.type = 'text'
      $('pw-show').textContent = t('upload.password.hide')
      if (!this.generated) await this.generate()
      else this.input.value = this.generated
    } else {
      this.input.value = ''
      this.input.type = 'password'
      $('pw-show').textContent = t('upload.password.show')
      this.input.focus()
    }
  }

  async generate() {
    try {
      const data = await api('POST', '/api/v1/passwords/generate')
      this.generated = data.password
      if (this.mode() === 'generated') this.input.value = this.generated
      this.showViolations([])
    } catch (error) {
      this.showError(problemText(error))
    }
  }

  toggleShow() {
    const show = this.input.type === 'password'
    this.input.type = show ? 'text' : 'password'
    $('pw-show').textContent = show ? t('upload.password.hide') : t('upload.password.show')
  }

  async copy() {
    const value = this.input.value
    if (!value) return
    try {
      await navigator.clipboard.writeText(value)
    } catch {
      this.input.select()
      document.execCommand('copy')
    }
    $('pw-status').textContent = t('upload.password.copied')
  }

  scheduleCheck() {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.check(), 250)
  }

  /// Asks the server; returns the violations (empty when the password is fine).
  async check() {
    const value = this.input.value
    const serial = ++this.serial
    if (!value) {
      this.showViolations([])
      return null
    }
    try {
      const result = await api('POST', '/api/v1/passwords/check', { password: value })
      if (serial !== this.serial) return null
      this.showViolations(result.violations || [], result.ok)
      return result.violations || []
    } catch (error) {
      if (serial === this.serial) this.showError(problemText(error))
      return null
    }
  }

  showViolations(violations, ok = false) {
    this.lastViolations = violations
    const box = $('violations')
    this.input.toggleAttribute('aria-invalid', violations.length > 0)
    if (violations.length === 0) {
      box.replaceChildren(ok ? el('p', { class: 'message ok', text: t('upload.password.ok') }) : '')
      return
    }
    box.replaceChildren(el('ul', { class: 'message error' },
      ...violations.map((v) => el('li', { 'data-rule': v.rule }, el('strong', { text: this.ruleName(v.rule) }), v.message ? ` — ${v.message}` : ''))))
  }

  showError(text) {
    $('violations').replaceChildren(el('p', { class: 'message error', role: 'alert', text }))
  }

  /// The password to use, or null after showing what is wrong.
  async validValue() {
    const value = this.input.value
    if (!value) {
      this.showError(t('upload.password.missing'))
      this.input.focus()
      return null
    }
    if (this.mode() === 'manual') {
      clearTimeout(this.timer)
      const violations = await this.check()
      if (violations === null || violations.length > 0) {
        this.input.focus()
        return null
      }
    }
    return value
  }

  forget() {
    // The form is done with it once the transfer exists.
    this.generated = ''
    this.input.value = ''
  }
}
