// End-to-end checks of graphsvc's pages in real headless Chromium (Debian's, via playwright-core).
//   node tests/e2e/run.mjs --base http://127.0.0.1:PORT --out test-output/screenshots
// Prints one JSON report on stdout: {checks: [{name, ok, detail}], offsite: [...], consoleErrors: [...]}.
// Every request that is not to localhost is aborted and listed in `offsite`; the pytest side fails on any.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    out: { type: 'string', default: 'test-output/screenshots' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
  },
});
const base = args.base.replace(/\/$/, '');
mkdirSync(args.out, { recursive: true });

const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]']);
const report = { checks: [], offsite: [], consoleErrors: [], requests: 0 };
const TIMEOUT = 20000;

async function check(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    report.checks.push({ name, ok: true, detail: detail ?? null, ms: Date.now() - started });
  } catch (err) {
    report.checks.push({ name, ok: false, detail: String(err?.stack || err), ms: Date.now() - started });
  }
}

function isLocal(url) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return LOCAL.has(u.hostname);
}

const browser = await chromium.launch({
  executablePath: args.chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
});

async function newPage({ watchConsole = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1, serviceWorkers: 'block' });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    report.requests += 1;
    if (isLocal(url)) return route.continue();
    report.offsite.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('websocket', (ws) => !isLocal(ws.url().replace(/^ws/, 'http')) && report.offsite.push(ws.url()));
  if (watchConsole) {
    page.on('console', (msg) => msg.type() === 'error' && report.consoleErrors.push(`${page.url()}: ${msg.text()}`));
    page.on('pageerror', (err) => report.consoleErrors.push(`${page.url()}: ${err.message}`));
  }
  return page;
}

const shot = (page, name) => page.screenshot({ path: join(args.out, `${name}.png`), fullPage: false });

const page = await newPage();

await check('advocates view loads the leaderboard', async () => {
  await page.goto(`${base}/#/advocates`);
  await page.locator('#leaderboard tbody tr').first().waitFor();
  const rows = await page.locator('#leaderboard tbody tr').count();
  const brands = await page.locator('#brand option').allTextContents();
  if (rows < 1) throw new Error('no leaderboard rows');
  return `${rows} advocates; brands: ${brands.join(', ')}`;
});

await check('advocates view shows the best advocate set', async () => {
  await page.locator('#advocate-set li, #set-panel .error').first().waitFor();
  await shot(page, 'advocates');
  if (await page.locator('#set-panel .error').count()) throw new Error(await page.locator('#set-panel .error').innerText());
  const picks = await page.locator('#advocate-set li').count();
  return `${picks} picks, union reach ${await page.locator('#set-reach').innerText()}`;
});

await check('brand picker switches brand', async () => {
  const select = page.locator('#brand');
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
  const other = options.find((v) => v !== 'novatelecom') ?? options[0];
  await select.selectOption(other);
  await page.waitForFunction((b) => location.hash.includes(`brand=${b}`), other);
  await page.locator('#leaderboard tbody tr, #advocates-panel .empty').first().waitFor();
  await select.selectOption('novatelecom');
  await page.waitForFunction(() => location.hash.includes('brand=novatelecom'));
  await page.locator('#leaderboard tbody tr').first().waitFor();
  return `switched to ${other} and back`;
});

let customerHref = null;
await check('triage view lists items most urgent first', async () => {
  await page.goto(`${base}/#/triage?brand=novatelecom`);
  await page.locator('#triage-list li').first().waitFor();
  const ranks = await page.locator('#triage-list .rank').allTextContents();
  const numbers = ranks.map((r) => Number(r.replace('#', '')));
  if (numbers.some((n, i) => i && n <= numbers[i - 1])) throw new Error(`ranks out of order: ${numbers}`);
  const first = page.locator('#triage-list li').first();
  for (const sel of ['.badge', '.sla', 'blockquote', '.meta']) if (!(await first.locator(sel).count())) throw new Error(`item lacks ${sel}`);
  customerHref = await first.locator('.meta a').getAttribute('href');
  await shot(page, 'triage');
  return `${numbers.length} items`;
});

await check('triage "mark responded" removes the item (keyboard)', async () => {
  const first = page.locator('#triage-list li').first();
  const post = await first.getAttribute('data-post');
  await first.locator('button.mark').focus();
  await page.keyboard.press('Enter');
  await page.locator(`#triage-list li[data-post="${post}"]`).waitFor({ state: 'detached' });
  const focused = await page.evaluate(() => document.activeElement?.className);
  await page.reload();
  await page.locator('#triage-list li').first().waitFor();
  const still = await page.locator(`#triage-list li[data-post="${post}"]`).count();
  if (still) throw new Error(`${post} is back after a reload: the mutation did not stick`);
  return `${post} removed and stays removed; focus moved to ${focused}`;
});

await check('state changes view shows the feed and the per-day chart', async () => {
  await page.goto(`${base}/#/changes?brand=novatelecom&days=14`);
  await page.locator('#changes-list li').first().waitFor();
  await page.locator('#chart-panel canvas').waitFor();
  const drawn = await page.locator('#chart-panel canvas').evaluate((c) => c.width > 0 && c.height > 0);
  if (!drawn) throw new Error('chart canvas is empty');
  await shot(page, 'changes');
  return `${await page.locator('#changes-list li').count()} changes on the first page`;
});

await check('state changes filter ADVOCATE -> USED_TO_BE', async () => {
  await page.locator('#from').selectOption('ADVOCATE');
  await page.waitForFunction(() => location.hash.includes('from=ADVOCATE'));
  await page.locator('#to').selectOption('USED_TO_BE');
  await page.waitForFunction(() => location.hash.includes('to=USED_TO_BE'));
  await page.locator('#days').selectOption('30');
  await page.locator('#changes-list li, #changes-panel .empty').first().waitFor();
  const rows = await page.locator('#changes-list li').evaluateAll((lis) => lis.map((li) => [...li.querySelectorAll('.badge')].map((b) => b.dataset.type).join('>')));
  const wrong = rows.filter((r) => r !== 'ADVOCATE>USED_TO_BE');
  if (wrong.length) throw new Error(`rows outside the filter: ${wrong.slice(0, 3)}`);
  await shot(page, 'changes-advocate-to-used-to-be');
  return `${rows.length} advocates who turned USED_TO_BE in 30 days`;
});

await check('customer view shows profile, state timeline, interactions and the ego graph', async () => {
  await page.goto(`${base}/#/advocates?brand=novatelecom`);
  await page.locator('#leaderboard tbody tr a').first().click();
  await page.waitForFunction(() => location.hash.startsWith('#/customer/'));
  await page.locator('#interactions li').first().waitFor();
  await page.locator('#customer-panel canvas').first().waitFor();
  await page.locator('#ego-graph[data-nodes]').waitFor();
  const nodes = Number(await page.locator('#ego-graph').getAttribute('data-nodes'));
  const canvases = await page.locator('#ego-graph canvas').count();
  if (nodes < 2 || !canvases) throw new Error(`graph has ${nodes} nodes and ${canvases} canvases`);
  await page.waitForTimeout(300);
  await shot(page, 'customer');
  return `${nodes} nodes in the ego graph`;
});

await check('ego graph: pan/zoom and clicking a neighbour opens it', async () => {
  const before = await page.evaluate(() => location.hash);
  const zoom0 = await page.evaluate(() => window.__graphsvcEgo.zoom());
  await page.getByRole('button', { name: 'Zoom in' }).click();
  const zoom1 = await page.evaluate(() => window.__graphsvcEgo.zoom());
  if (!(zoom1 > zoom0)) throw new Error(`zoom did not change: ${zoom0} -> ${zoom1}`);
  await page.getByRole('button', { name: 'Fit' }).click();
  const target = await page.evaluate(() => {
    const cy = window.__graphsvcEgo;
    const node = cy.nodes().filter((n) => n.data('role') !== 'centre')[0];
    const box = cy.container().getBoundingClientRect();
    const p = node.renderedPosition();
    return { id: node.id(), x: box.left + p.x, y: box.top + p.y };
  });
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((b) => location.hash !== b, before);
  const after = await page.evaluate(() => decodeURIComponent(location.hash));
  if (!after.includes(target.id)) throw new Error(`opened ${after}, expected ${target.id}`);
  await page.locator('#ego-graph[data-nodes]').waitFor();
  return `clicked ${target.id}`;
});

await check('customer view opens from a triage link', async () => {
  if (!customerHref) throw new Error('no triage link recorded');
  await page.goto(`${base}/${customerHref}`);
  await page.locator('#customer-panel dl').waitFor();
  return customerHref;
});

await check('keyboard: skip link and focus order', async () => {
  await page.goto('about:blank');
  await page.goto(`${base}/#/advocates?brand=novatelecom`);
  await page.locator('#leaderboard tbody tr').first().waitFor();
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement?.textContent);
  if (first !== 'Skip to content') throw new Error(`first Tab stop is ${first}`);
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => document.activeElement?.id || location.hash);
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  return `skip link first, then ${target}; focus outline ${outline}`;
});

await check('serve mode: the explorer asks for a key and keeps it in sessionStorage only', async () => {
  // The same page as `graphsvc serve` renders it: the config without a demo key.
  const s = await newPage({ watchConsole: false });
  let key = null;
  await s.route(/\/$|\/\?/, async (route) => {
    const original = await route.fetch();
    const body = (await original.text()).replace(/"demoKey": "([^"]+)"/, (_, k) => ((key = k), '"demoKey": null'));
    return route.fulfill({ response: original, body });
  });
  await s.goto(`${base}/#/advocates`);
  await s.locator('#api-key').waitFor();
  if (!key) throw new Error('the demo page carried no key to take out');
  await shot(s, 'key-form');
  await s.locator('#api-key').fill('not-a-real-key-0123456789012345678901234');
  await s.keyboard.press('Enter');
  await s.locator('.key-form [role=alert]').waitFor();
  const refusal = await s.locator('.key-form [role=alert]').innerText();
  await s.locator('#api-key').fill(key);
  await s.getByRole('button', { name: 'Use key' }).click();
  await s.locator('#leaderboard tbody tr').first().waitFor();
  const stored = await s.evaluate(() => ({ session: Object.values(sessionStorage), local: Object.values(localStorage) }));
  if (!stored.session.includes(key)) throw new Error('key not in sessionStorage');
  if (stored.local.some((v) => v.includes(key))) throw new Error('key leaked into localStorage');
  await s.context().close();
  return `wrong key refused (${refusal.trim()}); right key works; kept in sessionStorage only`;
});

await check('GraphiQL runs a query', async () => {
  const g = await newPage();
  await g.goto(`${base}/graphql`);
  await g.locator('.graphiql-container').waitFor();
  await g.locator('.graphiql-query-editor .CodeMirror').waitFor();
  await g.evaluate(() => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(
      '{\n  brands { edges { node { key name } } }\n  topAdvocates(brand: "novatelecom", first: 3) {\n    edges { node { rank reach customer { platformId } } }\n  }\n}\n',
    );
  });
  // GraphiQL picks the operation name from the editor after a debounce: let it see the new text.
  await g.waitForTimeout(1000);
  await g.locator('.graphiql-execute-button').click();
  try {
    await g.waitForFunction(() => document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue().includes('topAdvocates'));
  } catch (err) {
    await shot(g, 'graphiql-failure');
    const shown = await g.evaluate(() => document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue());
    throw new Error(`${err.message}; the result pane shows: ${String(shown).slice(0, 500)}`);
  }
  const result = JSON.parse(await g.evaluate(() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()));
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  const keys = result.data.brands.edges.map((e) => e.node.key);
  await shot(g, 'graphiql');
  await g.context().close();
  return `brands ${keys.join(', ')}; ${result.data.topAdvocates.edges.length} advocates`;
});

await check('error state: a failing API shows an alert with Retry', async () => {
  const e = await newPage({ watchConsole: false });
  let fail = true;
  await e.route('**/graphql', (route) =>
    fail && route.request().postData()?.includes('TopAdvocates')
      ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'the store does not answer', extensions: { code: 'STORE_UNAVAILABLE' } }] }) })
      : route.fallback(),
  );
  await e.goto(`${base}/#/advocates?brand=novatelecom`);
  const alert = e.locator('#advocates-panel [role=alert]');
  await alert.waitFor();
  const text = await alert.innerText();
  await shot(e, 'error-state');
  fail = false;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await e.locator('#leaderboard tbody tr').first().waitFor();
  await e.context().close();
  return text.replace(/\s+/g, ' ');
});

await check('loading state is shown while the API answers', async () => {
  const l = await newPage();
  let release;
  const gate = new Promise((r) => (release = r));
  await l.route('**/graphql', async (route) => {
    if (route.request().postData()?.includes('Triage')) await gate;
    return route.fallback();
  });
  await l.goto(`${base}/#/triage?brand=acmeair`);
  await l.locator('#triage-panel[aria-busy=true] .loading').waitFor();
  release();
  await l.locator('#triage-list li, #triage-panel .empty').first().waitFor();
  await l.context().close();
  return 'spinner, then items';
});

await browser.close();
console.log(JSON.stringify(report, null, 1));
