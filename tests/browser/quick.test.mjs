// Browser tests of QUICK in the web UI: headless Chromium (Debian's, through
// playwright-core) against the real `sealpost serve` binary, e-mail codes and
// links read from the mail spool. Each browser context is one browser with its
// own cookie jar:
//  - activate and the "magic": A sends transfer 1 (password P1) and transfer 2
//    (P2) to B with QUICK on; B's browser opens transfer 2 with P2 and
//    "Activate QUICK", verifying B's address on the spot; transfer 1 then
//    opens in B's browser with no password; a new A→B transfer shows QUICK
//    for B and needs no password, and B→A needs none either;
//  - the activation code: made in B's browser, entered in a fresh browser
//    (verified for B's address on the way), which then opens the transfers
//    without a password; the code works once; a connection is deleted;
//  - the administrator's list and delete;
//  - a browser that refuses cookies gets the notice on every page.
// The cookie notice is tested here too (it names QUICK among what needs cookies).
// Screenshots go to the artefacts directory (quick-*.png).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { Server, artifacts, launchBrowser, makeFile, shot, totp, waitFor } from './harness.mjs'
import { chromium } from 'playwright-core'

const A = { name: 'Anna Andersson', email: 'anna.andersson@regionuppsala.se', phone: '+46 70 123 45 67' }
const B = { name: 'Bo Berg', email: 'bo.berg@example.com', phone: '+46 73 555 12 34' }
const P1 = 'Vinter-Hamn-Kaj-29'
const P2 = 'Sommar-Torg-Ek-71'
let server
let browser
let tmp
const state = {} // storage states of the browsers: a, b
const links = {} // download links of B: t1, t2, t3
const consoleErrors = []

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-quick-files-'))
  server = await new Server('server-quick').start()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  const result = await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
  assert.equal(result?.code, 0, 'sealpost exits 0 on SIGTERM')
})

// The spool's file names are random, so mails are told apart by content: the
// link or code that was not there before.
const LINK = /https?:\/\/\S+\/d\/[A-Za-z0-9_-]+/
const seenLinks = new Set()
async function nextLink(address) {
  const link = await waitFor(`a new notification to ${address}`, () =>
    server.mails(address).map((m) => (LINK.exec(m.text) || [])[0]).find((l) => l && !seenLinks.has(l)))
  seenLinks.add(link)
  return link
}

function codes(address) {
  return server.mails(address).filter((m) => /code/i.test(m.headers.subject || '')).map((m) => (/:\s*\n\s+(\S+)\s*\n/.exec(m.text) || [])[1])
}
async function newCode(address, before) {
  return waitFor(`a new verification code for ${address}`, () => codes(address).find((c) => c && !before.includes(c)))
}

function watch(page) {
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: page error: ${error.message}`))
  page.on('console', (msg) => {
    // Expected API answers (401, 403, 404, 410) are logged as failed resources.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) consoleErrors.push(`${page.url()}: ${msg.text()}`)
  })
  page.on('dialog', (dialog) => dialog.accept())
  return page
}

async function newPage(options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...options })
  return { context, page: watch(await context.newPage()) }
}

/// Verifies a sender on /upload through the UI, with the code from the spool.
async function verifySender(page, who) {
  await page.waitForSelector('#verify-form:not([hidden])')
  const before = codes(who.email)
  await page.fill('#v-name', who.name)
  await page.fill('#v-email', who.email)
  await page.fill('#v-phone', who.phone)
  await page.click('#verify-send')
  await page.waitForSelector('#code-form:not([hidden])')
  await page.fill('#v-code', await newCode(who.email, before))
  await page.click('#code-confirm')
  await page.waitForSelector('#transfer-form:not([hidden])')
}

/// The verification box of the retrieve and QUICK pages (ids `prefix-…`),
/// for the fixed address `who.email`.
async function verifyInBox(page, prefix, who) {
  await page.waitForSelector(`#${prefix}-request:not([hidden])`)
  assert.equal(await page.inputValue(`#${prefix}-email`), who.email, 'the address to verify is the recipient\'s own')
  assert.equal(await page.getAttribute(`#${prefix}-email`, 'readonly'), '', 'and cannot be changed')
  const before = codes(who.email)
  await page.fill(`#${prefix}-name`, who.name)
  await page.fill(`#${prefix}-phone`, who.phone)
  await page.click(`#${prefix}-send`)
  await page.waitForSelector(`#${prefix}-code-form:not([hidden])`)
  await page.fill(`#${prefix}-code`, await newCode(who.email, before))
  await page.click(`#${prefix}-confirm`)
}

/// The recipient badges of the provide page once the policy check answered:
/// {email: true (QUICK) | false (password)}.
async function quickBadges(page, to) {
  await page.fill('#to', to)
  await page.locator('#to').blur()
  await page.waitForSelector('#recipients-ok:not([hidden])')
  await page.waitForSelector('#quick-recipients li .badge')
  return Object.fromEntries(await page.$$eval('#quick-recipients li', (items) => items.map((li) => [li.dataset.email, li.querySelector('.badge').dataset.quick === 'true'])))
}

/// Sends a transfer from the provide page; `password` when one is needed.
async function send(page, { to, password, file, shotName }) {
  await page.goto(`${server.url}/upload`)
  await page.waitForSelector('#transfer-form:not([hidden])')
  assert.equal(await page.isVisible('#quick-slot'), true, 'QUICK is offered (quick_enabled)')
  assert.equal(await page.isChecked('#quick'), true, 'and on by default')
  const badges = await quickBadges(page, to)
  await page.setInputFiles('#files', [file])
  if (password) {
    assert.equal(await page.isVisible('#password-part'), true, 'a recipient without QUICK needs the password')
    await page.check('#pw-manual')
    await page.fill('#password', password)
    await page.waitForSelector('#violations .message.ok')
  } else {
    assert.equal(await page.isVisible('#password-part'), false, 'no password asked when every recipient has QUICK')
  }
  if (shotName) {
    await shot(page, shotName)
    await page.locator('#password-fs').screenshot({ path: path.join(artifacts, `${shotName}-part.png`) })
  }
  await page.click('#start')
  await page.waitForSelector('#done:not([hidden])', { timeout: 60000 })
  const done = Object.fromEntries(await page.$$eval('#done-recipients li', (items) => items.map((li) => [li.dataset.email, li.querySelector('.badge').dataset.quick === 'true'])))
  return { id: await page.textContent('#done-id'), badges, done, password: await page.textContent('#done-password') }
}

test('the /quick page is served without caching and linked from the start and retrieve pages', async () => {
  const response = await fetch(`${server.url}/quick`)
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('cache-control'), 'no-store')
  assert.match(await response.text(), /quick\.js/)
  for (const p of ['/', '/d/ABCDEFGHIJKLMNOP']) assert.match(await (await fetch(`${server.url}${p}`)).text(), /href="\/quick"/, p)
})

test('QUICK: activation on unlock (verifying the address on the spot), the magic unlock, then no password either way', async () => {
  const config = await (await fetch(`${server.url}/api/v1/config`)).json()
  assert.equal(config.quick_enabled, true, 'the server has QUICK on')

  // A verifies and sends transfer 1 (P1) and transfer 2 (P2) to B, QUICK on.
  const a = await newPage()
  await a.page.goto(`${server.url}/upload`)
  await verifySender(a.page, A)
  const t1 = await send(a.page, { to: B.email, password: P1, file: makeFile(tmp, 'first.txt', 1000, 1), shotName: 'quick-provide-invitation' })
  assert.deepEqual(t1.badges, { [B.email]: false }, 'B is not connected yet: password')
  assert.deepEqual(t1.done, { [B.email]: false }, 'the confirmation says B gets the password (an invitation)')
  assert.equal(t1.password, P1)
  links.t1 = await nextLink(B.email)
  const t2 = await send(a.page, { to: B.email, password: P2, file: makeFile(tmp, 'second.txt', 2000, 2) })
  assert.deepEqual(t2.done, { [B.email]: false })
  links.t2 = await nextLink(B.email)

  // B's browser opens transfer 2, types P2 and ticks "Activate QUICK"; it is not
  // verified for B's address, so the page verifies it first, then unlocks.
  const b = await newPage()
  await b.page.goto(links.t2)
  await b.page.waitForSelector('#unlock-form:not([hidden])')
  await b.page.waitForSelector('#quick-slot:not([hidden])')
  assert.match(await b.page.textContent('#activate-quick-label'), new RegExp(B.email.replace(/\./g, '\\.')))
  await b.page.fill('#password', P2)
  await b.page.check('#activate-quick')
  await shot(b.page, 'quick-retrieve-activate')
  await b.page.click('#unlock')
  await b.page.waitForSelector('#quick-verify:not([hidden])')
  assert.equal(await b.page.isVisible('#unlock-form'), false)
  await shot(b.page, 'quick-retrieve-verify')
  await verifyInBox(b.page, 'qv', B)
  await b.page.waitForSelector('#content:not([hidden])')
  assert.match(await b.page.textContent('#quick-status'), /QUICK is active/)
  assert.match(await b.page.textContent('#files'), /second\.txt/)
  await shot(b.page, 'quick-retrieve-activated')

  // The magic: transfer 1, with its other password, opens in B's browser at once.
  await b.page.goto(links.t1)
  await b.page.waitForSelector('#content:not([hidden])')
  assert.equal(await b.page.isVisible('#unlock-form'), false, 'no password asked')
  assert.match(await b.page.textContent('#quick-status'), /Opened with QUICK/)
  assert.match(await b.page.textContent('#files'), /first\.txt/)
  await shot(b.page, 'quick-retrieve-magic')
  // A browser without the keys still needs the password for it.
  const stranger = await newPage()
  await stranger.page.goto(links.t1)
  await stranger.page.waitForSelector('#unlock-form:not([hidden])')
  await stranger.context.close()

  // A third transfer A→B: B shows QUICK, no password is asked, B opens it at once.
  const t3 = await send(a.page, { to: B.email, file: makeFile(tmp, 'third.txt', 3000, 3), shotName: 'quick-provide-connected' })
  assert.deepEqual(t3.badges, { [B.email]: true }, 'B is connected now: QUICK')
  assert.deepEqual(t3.done, { [B.email]: true })
  assert.match(t3.password, /QUICK/)
  await shot(a.page, 'quick-provide-done')
  links.t3 = await nextLink(B.email)
  // Sent with QUICK alone, it has no password: a browser without the keys is
  // told so, and where to bring them from.
  const other = await newPage()
  await other.page.goto(links.t3)
  await other.page.waitForSelector('#quick-only:not([hidden])')
  assert.equal(await other.page.isVisible('#unlock-form'), false)
  await shot(other.page, 'quick-retrieve-quickonly')
  await other.context.close()
  await b.page.goto(links.t3)
  await b.page.waitForSelector('#content:not([hidden])')
  assert.match(await b.page.textContent('#files'), /third\.txt/)
  // The sender's status page shows the reception as QUICK.
  await a.page.goto(`${server.url}/t/${t3.id}`)
  await a.page.waitForSelector('#details:not([hidden])')
  assert.equal(await a.page.getAttribute(`#recipients tr[data-email="${B.email}"] .badge`, 'data-quick'), 'true')
  await a.page.goto(`${server.url}/t/${t1.id}`)
  await a.page.waitForSelector('#details:not([hidden])')
  assert.equal(await a.page.getAttribute(`#recipients tr[data-email="${B.email}"] .badge`, 'data-quick'), 'false', 'transfer 1 was sent as an invitation')
  await shot(a.page, 'quick-status')

  // The other direction: B (verified in its browser now) sends to A with no
  // password, and A's browser opens it at once.
  const back = await send(b.page, { to: A.email, file: makeFile(tmp, 'reply.txt', 500, 4) })
  assert.deepEqual(back.badges, { [A.email]: true }, 'A is connected with B: QUICK')
  await a.page.goto(await nextLink(A.email))
  await a.page.waitForSelector('#content:not([hidden])')
  assert.match(await a.page.textContent('#files'), /reply\.txt/)

  state.a = await a.context.storageState()
  state.b = await b.context.storageState()
  await a.context.close()
  await b.context.close()
})

test('QUICK: an activation code made in B\'s browser restores the connection in a new browser, once', async () => {
  assert.ok(state.b, 'the activation test ran')
  const b = await newPage({ storageState: state.b })
  await b.page.goto(`${server.url}/quick`)
  await b.page.waitForSelector('#quick-connections:not([hidden])')
  const row = b.page.locator(`#quick-connections tr[data-email="${B.email}"][data-partner="${A.email}"]`)
  assert.equal(await row.count(), 1, 'B\'s connection with A is listed')
  await b.page.selectOption('#make-email', B.email)
  await b.page.click('#make-code')
  await b.page.waitForSelector('#code-result:not([hidden])')
  const code = (await b.page.textContent('#code-value')).trim()
  assert.ok(code.length >= 6, `a code (${code})`)
  await shot(b.page, 'quick-page-code')
  await b.context.close()

  // A fresh browser: the code for B's address; the page verifies the address first.
  const c = await newPage()
  await c.page.goto(`${server.url}/quick`)
  await c.page.waitForSelector('#loading', { state: 'hidden' })
  await c.page.waitForSelector('#connections-empty:not([hidden])')
  await c.page.fill('#enter-email', B.email)
  await c.page.fill('#enter-code', code)
  await c.page.click('#enter-submit')
  await c.page.waitForSelector('#enter-verify:not([hidden])')
  await shot(c.page, 'quick-page-verify')
  await verifyInBox(c.page, 'ev', B)
  await c.page.waitForSelector('#enter-done:not([hidden])')
  assert.match(await c.page.textContent('#enter-done'), /1 QUICK connection restored/)
  await c.page.waitForSelector(`#quick-connections tr[data-partner="${A.email}"]`)
  await shot(c.page, 'quick-page-restored')
  // The transfers open there without a password.
  for (const link of [links.t1, links.t2]) {
    await c.page.goto(link)
    await c.page.waitForSelector('#content:not([hidden])')
    assert.match(await c.page.textContent('#quick-status'), /Opened with QUICK/)
  }
  // The same code a second time: used up.
  await c.page.goto(`${server.url}/quick`)
  await c.page.waitForSelector('#loading', { state: 'hidden' })
  await c.page.fill('#enter-email', B.email)
  await c.page.fill('#enter-code', code)
  await c.page.click('#enter-submit')
  await c.page.waitForSelector('#enter-error:not([hidden])')
  assert.match(await c.page.textContent('#enter-error'), /expired or was already used/)
  // A wrong code counts.
  await c.page.fill('#enter-code', 'WRONG-CODE-1')
  await c.page.click('#enter-submit')
  await waitFor('the wrong-code message', async () => /Wrong code|expired/.test(await c.page.textContent('#enter-error')))

  // On a phone-sized screen the page does not scroll sideways.
  await c.page.setViewportSize({ width: 390, height: 844 })
  const overflow = await c.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(overflow <= 0, `no horizontal scrolling on /quick (${overflow}px)`)
  await shot(c.page, 'quick-page-phone')
  await c.page.setViewportSize({ width: 1280, height: 720 })

  // Deleting the connection in this browser: transfer 1 needs its password here again.
  await c.page.click(`#quick-connections tr[data-partner="${A.email}"] button`)
  await c.page.waitForSelector('#connections-empty:not([hidden])')
  await c.page.goto(links.t1)
  await c.page.waitForSelector('#unlock-form:not([hidden])')
  await c.context.close()
})

test('QUICK: the administrator lists connections by address and deletes one', async () => {
  assert.ok(state.b)
  const added = server.admin(['user', 'add', 'root', '--role', 'admin', '--totp'], 'Admin-Pass-Word-86\n')
  assert.equal(added.status, 0, added.stderr)
  const secret = /TOTP secret: (\S+)/.exec(added.stdout)[1]
  const { context, page } = await newPage()
  await page.goto(`${server.url}/admin`)
  await page.waitForSelector('#login:not([hidden])')
  await page.fill('#username', 'root')
  await page.fill('#admin-password', 'Admin-Pass-Word-86')
  await page.fill('#totp', totp(secret))
  await page.click('#login button[type=submit]')
  await page.waitForSelector('#console:not([hidden])')
  await page.click('[data-tab=quick-tab]')
  await page.fill('#q-email', B.email)
  await page.click('#quick-filter button[type=submit]')
  const row = page.locator('#quick tbody tr').first()
  await row.waitFor()
  assert.match(await page.textContent('#quick tbody'), new RegExp(A.email.replace(/\./g, '\\.')))
  await shot(page, 'quick-admin')
  await row.locator('button').click()
  await page.waitForSelector('#admin-message.ok')
  await waitFor('the connection gone', async () => (await page.$$('#quick tbody tr')).length === 0)
  // The audit log has the deletions (the browser's on /quick and this one).
  await page.click('[data-tab=audit-tab]')
  await page.selectOption('#a-event', 'quick_connection_deleted')
  await page.click('#audit-filter button[type=submit]')
  await waitFor('quick_connection_deleted events only', async () => {
    const names = await page.$$eval('#audit tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent))
    return names.length >= 2 && names.every((e) => e === 'quick_connection_deleted')
  })
  await context.close()

  // B's browser no longer opens transfer 1 without its password.
  const b = await newPage({ storageState: state.b })
  await b.page.goto(links.t1)
  await b.page.waitForSelector('#unlock-form:not([hidden])')
  await b.context.close()
})

test('a browser that refuses cookies is told so on every page, in English and Swedish', async () => {
  // Chromium with "Block all cookies" in its profile: no cookie is kept, so
  // the server's test cookie never comes back (headless Chromium still says
  // navigator.cookieEnabled here: the two calls to /api/v1/cookies tell).
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-nocookies-'))
  fs.mkdirSync(path.join(profile, 'Default'))
  fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }))
  const blocked = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = watch(blocked.pages()[0] || (await blocked.newPage()))
    let calls = 0
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v1/cookies')) calls += 1
    })
    for (const p of ['/', '/upload', '/d/ABCDEFGHIJKLMNOP', '/quick']) {
      calls = 0
      await page.goto(`${server.url}${p}`)
      await page.waitForSelector('#cookie-notice', { timeout: 10000 })
      assert.match(await page.textContent('#cookie-notice'), /needs cookies/, p)
      assert.match(await page.textContent('#cookie-notice'), /Allow cookies for this site/, p)
      assert.equal(calls, 2, `${p}: asked twice before telling`)
      if (p === '/') await shot(page, 'quick-cookies')
    }
    await page.selectOption('#lang', 'sv')
    assert.match(await page.textContent('#cookie-notice'), /behöver kakor/)
  } finally {
    await blocked.close()
    fs.rmSync(profile, { recursive: true, force: true })
  }

  // A page whose navigator.cookieEnabled is false (document cookies disabled
  // through the DevTools protocol) is told at once, without asking the server.
  const { context, page } = await newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Emulation.setDocumentCookieDisabled', { disabled: true })
  let asked = 0
  page.on('request', (request) => {
    if (request.url().endsWith('/api/v1/cookies')) asked += 1
  })
  await page.goto(`${server.url}/upload`)
  await page.waitForSelector('#cookie-notice')
  assert.equal(asked, 0)
  await context.close()

  // A normal browser sees no notice.
  const normal = await newPage()
  const answered = normal.page.waitForResponse((r) => r.url().endsWith('/api/v1/cookies'))
  await normal.page.goto(`${server.url}/`)
  assert.equal((await answered).status(), 200, 'GET /api/v1/cookies answers')
  await normal.page.waitForTimeout(300)
  assert.equal(await normal.page.$('#cookie-notice'), null)
  await normal.context.close()
})

test('no console errors and no Content-Security-Policy violations on the QUICK pages', () => {
  assert.deepEqual(consoleErrors, [])
})
