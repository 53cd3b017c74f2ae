// Browser test of the Hawtio console, as a person would use it: headless Chromium (Debian's /usr/bin/chromium)
// driven by playwright-core. Run by io.orderflow.console.HawtioBrowserTest against an application it started:
//   node test/console-browser-test.mjs <port>
// with CONSOLE_USER / CONSOLE_PASSWORD (the operator), CONSOLE_ROUTES (comma-separated route ids to find),
// optional CONSOLE_SCREENSHOTS (a directory) and CHROMIUM (default /usr/bin/chromium).
// Prints one "ok - ..." line per check; exits 0 when all pass, 1 at the first failure (with "not ok - ...").
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

const port = process.argv[2]
if (!/^\d+$/.test(port ?? '')) {
  console.error('usage: node test/console-browser-test.mjs <port>')
  process.exit(2)
}
const base = `http://localhost:${port}`
const user = process.env.CONSOLE_USER
const password = process.env.CONSOLE_PASSWORD
const routes = (process.env.CONSOLE_ROUTES ?? '').split(',').map((r) => r.trim()).filter(Boolean)
const shots = process.env.CONSOLE_SCREENSHOTS
const TIMEOUT = 60_000

if (shots) mkdirSync(shots, { recursive: true })
const shot = async (page, name) => { if (shots) await page.screenshot({ path: join(shots, name + '.png') }) }

let step = 'start'
const ok = (what) => console.log('ok - ' + what)

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
})
try {
  // 1. An anonymous visitor: Hawtio's login page, and Jolokia refuses it (401), directly and through the console.
  step = 'anonymous visitor'
  const anonymous = await browser.newContext()
  const visitor = await anonymous.newPage()
  await visitor.goto(base + '/hawtio/', { timeout: TIMEOUT })
  await visitor.locator('#pf-login-username-id').waitFor({ timeout: TIMEOUT })
  await visitor.locator('#pf-login-password-id').waitFor({ timeout: TIMEOUT })
  ok('anonymous visitor gets the login page at ' + new URL(visitor.url()).pathname)
  await shot(visitor, '1-login-page')
  const statuses = await visitor.evaluate(async () => {
    const post = (url) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'version' }) }).then((r) => r.status)
    return { console: await post('/hawtio/jolokia'), actuator: await post('/actuator/jolokia'),
      user: await fetch('/hawtio/user').then((r) => r.status) }
  })
  if (statuses.console !== 401 || statuses.actuator !== 401 || statuses.user !== 401) {
    throw new Error('anonymous Jolokia/user answered ' + JSON.stringify(statuses) + ', expected 401 each')
  }
  ok('anonymous Jolokia is refused: /hawtio/jolokia 401, /actuator/jolokia 401, /hawtio/user 401')
  await anonymous.close()

  // 2. The operator logs in through Hawtio's login page.
  step = 'login'
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  const page = await context.newPage()
  await page.goto(base + '/hawtio/', { timeout: TIMEOUT })
  await page.locator('#pf-login-username-id').fill(user)
  await page.locator('#pf-login-password-id').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByText(user, { exact: true }).first().waitFor({ timeout: TIMEOUT })
  ok(`logged in through the login page; the header shows '${user}'`)

  // 3. The Camel routes page lists orderflow's routes by id.
  step = 'camel routes'
  await page.goto(base + '/hawtio/camel/routes', { timeout: TIMEOUT })
  for (const id of routes) {
    await page.getByText(id, { exact: true }).first().waitFor({ timeout: TIMEOUT })
  }
  ok('the Camel routes page lists ' + routes.join(', '))
  await shot(page, '2-camel-routes')

  // 4. The route diagram of all routes draws (durable-send's route-level error handler broke it: vite.config.js).
  step = 'route diagram'
  await page.getByText('Route Diagram', { exact: true }).first().click()
  await page.locator('.react-flow__node').nth(20).waitFor({ timeout: TIMEOUT })
  if (await page.getByText('An error occurred during drawing').count()) throw new Error('the diagram failed to draw')
  const drawn = await page.locator('.react-flow__node').count()
  ok(`the route diagram of all routes draws (${drawn} steps)`)
  await shot(page, '3-route-diagram')
  const jolokia = await page.evaluate(() => fetch('jolokia/version', { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'version' }) })
    .then((r) => r.json()))
  if (!jolokia?.value?.agent) throw new Error('logged in, Jolokia did not answer its version')
  ok('logged in, the console reaches Jolokia (agent ' + jolokia.value.agent + ')')
  await context.close()
  console.log('console browser test: all checks passed')
} catch (e) {
  console.log(`not ok - ${step}: ${e.message.split('\n')[0]}`)
  process.exitCode = 1
} finally {
  await browser.close()
}
