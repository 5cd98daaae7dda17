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

async function openCase(page, id) {
  const r = await page.goto(`${base}/case/${id}`);
  assert.equal(r.status(), 200, `case ${id} opens`);
}

async function submit(page, selector) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return resp;
}

scenarios.cases = async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await login(page, params.staff.email, params.staff.password);
  // The queue opens on held cases, newest first, with counts per state.
  const rows = page.locator('#queue tbody tr');
  found.held_rows = await rows.count();
  assert.match(await rows.first().textContent(), /After the April update/, 'newest first');
  assert.match(await page.textContent('.counts a.current'), /held\s*4/);
  assert.match(await page.textContent('.counts'), /failed\s*1/);
  assert.equal((await page.textContent('#stat-held')).trim(), '4');
  await shot(page, 'queue');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.addCookies(await context.cookies());
  const small = await phone.newPage();
  await small.goto(`${base}/`);
  await shot(small, 'queue-phone');
  await small.goto(`${base}/case/${params.approve}`);
  await shot(small, 'case-phone');
  await phone.close();
  // Search by code finds the case whose reply names it; by sender finds one.
  await page.fill('input[name=q]', 'pat2@');
  await submit(page, 'form.search button');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /Modifier 25/);

  // Approve.
  await openCase(page, params.approve);
  assert.match(await page.textContent('#question'), /J06\.9/);
  assert.match(await page.textContent('#reason'), /confidence unsure/, 'why it was held');
  assert.equal(await page.locator('#question mark.code').count() >= 2, true, 'codes are marked');
  await shot(page, 'case');
  await submit(page, '#approve');
  assert.equal((await page.textContent('#case-state')).trim(), 'approved');
  assert.match(await page.textContent('#history'), new RegExp(params.staff.email));

  // Edit, then send.
  await openCase(page, params.edit);
  await page.fill('#reply-text', 'Edited by staff: modifier 25 applies to 99214 here.');
  await submit(page, '#edit-send');
  assert.equal((await page.textContent('#case-state')).trim(), 'approved');
  assert.match(await page.textContent('#reply'), /Edited by staff/);

  // Reject with a reason.
  await openCase(page, params.reject);
  await page.fill('#reason-input', 'not a coding question');
  await submit(page, '#reject');
  assert.equal((await page.textContent('#case-state')).trim(), 'ignored');
  assert.match(await page.textContent('#audit'), /not a coding question/);

  // Answer again (after a code-set update): back to received, the draft cleared.
  await openCase(page, params.reanswer);
  await submit(page, '#reanswer');
  assert.equal((await page.textContent('#case-state')).trim(), 'received');
  assert.equal(await page.locator('#reply').count(), 0, 'the old draft is gone');

  // Resend a failed case.
  await openCase(page, params.resend);
  assert.match(await page.textContent('#reason'), /550 mailbox unavailable/);
  await submit(page, '#resend');
  assert.equal((await page.textContent('#case-state')).trim(), 'approved');
  await context.close();
};

scenarios.hostile = async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const seen = watchScripts(page);
  await login(page, params.staff.email, params.staff.password);
  assert.match(await page.textContent('#queue'), /<script>window\.__pwned='subject'<\/script>/, 'the subject is shown as text in the queue');
  await openCase(page, params.case);
  // The markup is there as text, not as elements.
  assert.match(await page.textContent('#subject'), /<script>/);
  assert.match(await page.textContent('#question'), /<img src=x onerror=/);
  assert.equal(await page.locator('main script').count(), 0, 'no script element in the page');
  assert.equal(await page.locator('main img').count(), 0, 'no img element in the page');
  // The reply's HTML is rendered in a sandboxed frame that runs nothing.
  await page.click('details summary >> text=As HTML');
  const frame = page.frameLocator('iframe.reply-html');
  assert.match(await frame.locator('p').textContent(), /99213/);
  const frameEl = await page.$('iframe.reply-html');
  assert.ok(frameEl, 'the reply frame is on the page');
  const inner = await frameEl.contentFrame();
  assert.ok(inner, 'the reply frame has a document');
  // Evidence, not time: every image of the frame has finished (failed) loading, so an onerror
  // handler would have been queued by now. An evaluation that fails fails the check: it must
  // not read as "nothing ran".
  let framePwned;
  try {
    await inner.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 10000 });
    // One turn of the page's own event loop (the frame is sandboxed: its timers need not run).
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    framePwned = await inner.evaluate(() => window.__pwned ?? null);
  } catch (e) {
    throw new Error(`cannot look inside the reply frame, so whether a script ran there is unknown: ${e.message}`);
  }
  assert.equal(framePwned, null, 'no script ran in the reply frame');
  found.pwned = await page.evaluate(() => window.__pwned ?? null);
  found.dialogs = seen.dialogs.length;
  await shot(page, 'case-hostile');
  await context.close();
};

scenarios.conflict = async (browser) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await login(a, params.staff.email, params.staff.password);
  await login(b, params.admin.email, params.admin.password);
  await openCase(a, params.case);
  await openCase(b, params.case);
  // Both pressed at once: A approves while B rejects; exactly one is applied.
  await b.fill('#reason-input', 'duplicate question');
  const [ra, rb] = await Promise.all([submit(a, '#approve'), submit(b, '#reject')]);
  const statuses = [ra.status(), rb.status()].sort();
  assert.deepEqual(statuses, [200, 409], 'one wins, the other is told');
  const loser = ra.status() === 409 ? a : b;
  found.message = await loser.textContent('#message');
  found.winner = ra.status() === 200 ? 'approve' : 'reject';
  await openCase(a, params.case);
  found.state = (await a.textContent('#case-state')).trim();
};

scenarios.ratelimit = async (browser) => {
  const page = await (await browser.newContext()).newPage();
  for (let i = 0; i < 5; i++) {
    const r = await login(page, params.admin.email, `wrong password ${i}`);
    assert.equal(r.status(), 401, `attempt ${i + 1} is a plain refusal`);
  }
  const locked = await login(page, params.admin.email, params.admin.password);
  assert.equal(locked.status(), 429, 'the sixth attempt is refused even with the right password');
  found.message = await page.textContent('#message');
  // Another account is not affected.
  const other = await login(page, params.staff.email, params.staff.password);
  assert.equal(other.status(), 200);
};

scenarios.e2e = async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await login(page, params.staff.email, params.staff.password);
  assert.equal(await page.locator('#queue tbody tr').count(), 3, 'the held cases are listed');
  await shot(page, 'e2e-queue');
  await openCase(page, params.approve);
  await shot(page, 'e2e-case');
  await submit(page, '#approve');
  // The running worker may be sending it, or have sent it, by the time the page is drawn.
  assert.match((await page.textContent('#case-state')).trim(), /^(approved|sending|sent)$/);
  await openCase(page, params.edit);
  const drafted = await page.inputValue('#reply-text');
  await page.fill('#reply-text', `Checked by a coder: M54.16 fits lumbar radiculopathy.\n\n${drafted}`);
  await submit(page, '#edit-send');
  assert.match((await page.textContent('#case-state')).trim(), /^(approved|sending|sent)$/);
  await openCase(page, params.again);
  await submit(page, '#reanswer');
  // The running worker may have taken it up already.
  assert.match((await page.textContent('#case-state')).trim(), /^(received|answered|held)$/);
  assert.match(await page.textContent('#history'), /answer again from the current code sets/);
  await context.close();
};

// The queue's search and the case reference: what the mail calls a case, the page calls it.
scenarios.search = async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await login(page, params.admin.email, params.admin.password);
  const rows = page.locator('#queue tbody tr td.ref');
  const search = async (q, inReplies = false) => {
    await page.fill('input[name=q]', q);
    await page.setChecked('#in-reply', inReplies);
    await submit(page, 'form.search button');
    return rows.count();
  };
  // The queue names each case by its mail's reference, never by the database number.
  assert.doesNotMatch(await page.textContent('#queue'), /#\d/);
  found.by_reference = await search('CD-1');
  assert.equal((await rows.first().textContent()).trim(), 'CD-1');
  await shot(page, 'search-reference');
  found.by_number = await search('1');
  assert.equal((await rows.first().textContent()).trim(), 'CD-1');
  found.template_word = await search('ICD-10');
  assert.match(await page.textContent('#queue'), /No held cases match/);
  found.template_word_in_replies = await search('ICD-10', true);
  assert.equal(await page.isChecked('#in-reply'), true, 'the box stays ticked');
  found.template_code = await search('99213');
  found.by_code = await search('M54.16');
  assert.match(await page.textContent('#queue'), /Spine question/);
  found.by_code_number = await search('96372');
  assert.match(await page.textContent('#queue'), /Office visit/);
  found.thread = await search('CD-11');
  assert.match(await page.textContent('#queue'), /follow-up/);
  await shot(page, 'search-thread');

  // The case page: the title, the heading and the reply's own "Case reference" agree.
  await openCase(page, params.one);
  found.case_ref = (await page.textContent('#case-ref')).trim();
  assert.ok((await page.title()).startsWith(`Case ${found.case_ref}`), await page.title());
  const mailRef = (await page.textContent('#reply')).match(/Case reference: (\S+)/)[1];
  assert.equal(found.case_ref, mailRef, 'the page names the case as its mail does');
  await submit(page, '#approve');
  await openCase(page, params.follow_up);
  found.follow_up_ref = (await page.textContent('#case-ref')).trim();
  assert.match(await page.textContent('#follow-up'), /CD-11/);
  await page.goto(`${base}/audit`);
  const audit = await page.textContent('table.list tbody');
  assert.match(audit, /approve\s*CD-1\b/, audit);
  assert.doesNotMatch(audit, /#\d/, audit);
  await context.close();
};

// Times in the desk's zone: the queue's Received column, the case page's and its history's.
scenarios.localtime = async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await login(page, params.staff.email, params.staff.password);
  found.queue_time = (await page.locator('#queue td.received .time').first().textContent()).trim();
  await shot(page, 'localtime-queue');
  await openCase(page, params.case);
  found.case_time = (await page.textContent('#received')).trim();
  found.history_first = (await page.locator('#history tbody tr td').first().textContent()).trim();
  await shot(page, 'localtime-case');
  await context.close();
};

// A question's attachments: listed with name, type, size and what was read; the link downloads
// the file (the page stays), under its safe name.
scenarios.attachments = async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await login(page, params.staff.email, params.staff.password);
  await openCase(page, params.case);
  found.rows = await page.$$eval('#attachments tbody tr', (rows) => rows.map((r) => ({
    name: r.querySelector('.attachment-name').textContent.trim(),
    type: r.querySelector('.attachment-type').textContent.trim(),
    size: r.querySelector('.attachment-size').textContent.trim(),
    text: r.querySelector('.attachment-text').textContent.replace(/\s+/g, ' ').trim(),
  })));
  await shot(page, 'attachments-case');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#attachments a.attachment-name >> nth=0'),
  ]);
  found.download_name = download.suggestedFilename();
  found.download_size = fs.statSync(await download.path()).size;
  found.url_after = page.url();
  await context.close();
};

// Overdue held cases first, each with its business age in the Received column, in red.
scenarios.overdue = async (browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await login(page, params.staff.email, params.staff.password);
  const rows = page.locator('#queue tbody tr');
  found.rows = [];
  for (let i = 0; i < await rows.count(); i++) {
    const row = rows.nth(i);
    const mark = row.locator('strong.overdue');
    const overdue = await mark.count() ? (await mark.textContent()).trim() : null;
    found.rows.push({
      ref: (await row.locator('td.ref a').textContent()).trim(),
      overdue,
      color: overdue ? await mark.evaluate((e) => getComputedStyle(e).color) : null,
    });
  }
  await shot(page, 'overdue-queue');
  await context.close();
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
