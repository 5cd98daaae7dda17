// Drives Debian's headless Chromium through the staff page for tests/web_browser.rs.
//
//   node tests/browser/staff.mjs SCENARIO
//
// Reads CODEDESK_URL (the running page), CODEDESK_ARTIFACTS (screenshots go there) and
// CODEDESK_PARAMS (JSON: accounts, case ids, ...). Prints one JSON line of findings on success;
// on a failed check prints the reason to stderr and exits 1.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';

const base = process.env.CODEDESK_URL;
const artifacts = process.env.CODEDESK_ARTIFACTS;
const params = JSON.parse(process.env.CODEDESK_PARAMS || '{}');
const scenario = process.argv[2];
const found = {};

async function shot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  found[`screenshot_${name}`] = file;
}

async function login(page, email, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  const [resp] = await Promise.all([
    page.waitForNavigation(),
    page.click('button[type=submit]'),
  ]);
  return resp;
}

// Every script the page tries to run is recorded: console messages, dialogs, CSP violations.
function watchScripts(page) {
  const seen = { dialogs: [], console: [], errors: [] };
  page.on('dialog', async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
  page.on('console', (m) => seen.console.push(m.text()));
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  return seen;
}

const scenarios = {
  // A wrong password is refused; the right one leads to the queue; cookies and headers are strict.
  async login(browser) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const first = await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/login', 'without a session / must lead to /login');
    const h = first.headers();
    assert.match(h['content-security-policy'] || '', /default-src 'none'/);
    assert.doesNotMatch(h['content-security-policy'] || '', /script-src|unsafe-inline/);
    assert.equal(h['x-frame-options'], 'DENY');
    assert.equal(h['referrer-policy'], 'no-referrer');
    await shot(page, 'login');
    const bad = await login(page, params.staff.email, 'not the password at all');
    assert.equal(bad.status(), 401, 'a wrong password answers 401');
    assert.match(await page.textContent('.error'), /Wrong address or password/);
    assert.equal((await context.cookies()).filter((c) => c.name === 'codedesk_session').length, 0);
    const good = await login(page, params.staff.email, params.staff.password);
    assert.equal(good.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/');
    const session = (await context.cookies()).find((c) => c.name === 'codedesk_session');
    assert.ok(session, 'a session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    found.who = (await page.textContent('.who')).trim();
    // Logging out ends the session: the queue needs a login again.
    await Promise.all([page.waitForNavigation(), page.click('form.logout button')]);
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/login', 'after logout the session is gone');
    await context.close();
  },

  // A POST without the CSRF token (or with a wrong one) is refused, even with a valid session.
  async csrf(browser) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await login(page, params.admin.email, params.admin.password);
    const form = { email: 'forged@clinic.example', role: 'admin', password: 'forged password 123' };
    const none = await page.request.post(`${base}/admin/users`, { form, maxRedirects: 0 });
    assert.equal(none.status(), 403, 'a POST without the token is refused');
    assert.match(await none.text(), /security token/);
    const wrong = await page.request.post(`${base}/admin/users`, {
      form: { ...form, csrf: 'f'.repeat(64) }, maxRedirects: 0,
    });
    assert.equal(wrong.status(), 403, 'a POST with a wrong token is refused');
    // A login form posted without its token is refused too.
    const anon = await browser.newContext();
    const r = await anon.request.post(`${base}/login`, {
      form: { email: params.admin.email, password: params.admin.password }, maxRedirects: 0,
    });
    assert.equal(r.status(), 403, 'a login without the form token is refused');
    await anon.close();
    found.refused = 3;
    await context.close();
  },

  // A staff account cannot open admin pages; an admin can, and adds an account with the form.
  async roles(browser) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await login(page, params.staff.email, params.staff.password);
    for (const p of ['/admin/users', '/admin/senders']) {
      const r = await page.goto(`${base}${p}`);
      assert.equal(r.status(), 403, `staff must not open ${p}`);
      assert.match(await page.textContent('#message'), /admin/);
    }
    assert.equal(await page.locator('nav a[href="/admin/users"]').count(), 0, 'no admin links for staff');
    await context.close();

    const admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const a = await admin.newPage();
    await login(a, params.admin.email, params.admin.password);
    const r = await a.goto(`${base}/admin/users`);
    assert.equal(r.status(), 200);
    await a.fill('form.stack input[name=email]', 'new.coder@clinic.example');
    await a.selectOption('form.stack select[name=role]', 'staff');
    await a.fill('form.stack input[name=password]', 'a long new password');
    await Promise.all([a.waitForNavigation(), a.click('form.stack button[type=submit]')]);
    assert.match(await a.textContent('#users'), /new\.coder@clinic\.example/);
    await shot(a, 'admin-users');
    await a.goto(`${base}/admin/senders`);
    await a.fill('textarea[name=members]', 'clinic.example\nbilling@other.example');
    await a.fill('textarea[name=blocked]', 'spam.example');
    await a.fill('input[name=guest_quota]', '5');
    await Promise.all([a.waitForNavigation(), a.click('form.stack button[type=submit]')]);
    assert.equal(await a.inputValue('input[name=guest_quota]'), '5');
    await shot(a, 'admin-senders');
    await a.goto(`${base}/audit`);
    found.audit = await a.textContent('table.list tbody');
    await admin.close();
  },
};

const run = scenarios[scenario];
if (!run) {
  console.error(`unknown scenario ${scenario}: known are ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CODEDESK_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  await run(browser);
  console.log(JSON.stringify(found));
} catch (e) {
  console.error(`scenario ${scenario} failed: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
