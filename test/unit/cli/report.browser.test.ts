// The HTML report opened in a real browser (headless Chromium, as the integration harness runs it): no console
// errors, no network request of any kind, every chart with its table, light and dark screenshots, and an axe scan.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildTraceRecord, serializeTraceRecord } from '../../../src/core/agentTrace';
import { cleanupTemp, GIT_ENV, initRepo, lines, write } from '../git/helpers';
import { cliBundle } from '../git/hookEnv';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../../../.test-artifacts/report');
const URL = 'http://report.invalid/ai-provenance-report.html';
const CHARTS = ['over-time', 'by-directory', 'critical', 'agents-range', 'agents-revision'];

interface Node {
  readonly textContent: string | null;
  readonly open?: boolean;
  getAttribute(name: string): string | null;
  querySelector(selector: string): Node | null;
  querySelectorAll(selector: string): ArrayLike<Node>;
}
declare const document: Node & { readonly activeElement: Node | null };
declare const axe: { run(): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[] }> };

describe('the HTML report in a browser', function () {
  this.timeout(120_000);
  let html: string;
  let browser: Browser;

  before(() => {
    const dir = initRepo();
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
    write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production <infra> & "state"\u202e', level: 'block' }] }));
    write(dir, 'src/app.ts', lines(20));
    write(dir, 'src/deep/util.ts', lines(8));
    write(dir, 'infra/main.tf', lines(6));
    git('add', 'src', 'infra');
    git('commit', '-qm', 'base <script>alert(1)</script>');
    const base = git('rev-parse', 'HEAD').trim();
    const at = '2026-01-05T00:00:00Z';
    const rec = buildTraceRecord({
      revision: base,
      files: [
        { path: 'src/app.ts', addedLines: 20, attributions: [{ agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at }], runs: [{ start: 0, end: 8, kind: 'ai', id: 0 }] },
        { path: 'src/deep/util.ts', addedLines: 8, attributions: [{ agent: 'my-agent<img src=x>', source: 'manual', at }], runs: [{ start: 2, end: 4, kind: 'mixed', id: 0 }] },
        { path: 'infra/main.tf', addedLines: 6, attributions: [{ agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at }], runs: [{ start: 0, end: 6, kind: 'ai', id: 0 }] },
      ],
      toolVersion: 'test',
    });
    execFileSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'add', '-F', '-', base], { cwd: dir, env: GIT_ENV, input: serializeTraceRecord(rec) });
    write(dir, 'src/app.ts', lines(22));
    const r = spawnSync(process.execPath, [cliBundle().cli, 'record', '--agent', 'cursor', 'src/app.ts:21-22'], { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = spawnSync(process.execPath, [cliBundle().cli, 'report', '-o', 'report.html'], { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });

  after(async () => {
    await browser?.close();
    cleanupTemp();
  });

  /** Opens the report as from a web server that serves nothing else; every other request is recorded and refused. */
  async function open(colorScheme: 'light' | 'dark', bypassCSP = false): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1100, height: 1600 }, bypassCSP });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await context.route('**/*', (route) => {
      if (route.request().url() === URL) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      requests.push(route.request().url());
      return route.abort();
    });
    await page.goto(URL, { waitUntil: 'load' });
    return { page, requests, errors };
  }

  it('opens without console errors or any request beyond the page itself', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page, requests, errors } = await open(scheme);
      assert.deepEqual(errors, [], `${scheme}: console errors`);
      assert.deepEqual(requests, [], `${scheme}: requests`);
      await page.screenshot({ path: path.join(ARTIFACTS, `report-${scheme}.png`), fullPage: true });
      await page.context().close();
    }
  });

  it('shows every chart with a table of its figures', async () => {
    const { page } = await open('light');
    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll('figure[data-chart]')).map((f) => {
        const id = f.getAttribute('data-chart') ?? '';
        const svg = f.querySelector('svg[role="img"]');
        const table = f.querySelector(`table[data-chart-table="${id}"]`);
        return { id, label: svg?.getAttribute('aria-label') ?? '', rows: table ? table.querySelectorAll('tbody tr').length : 0 };
      }),
    );
    assert.deepEqual(charts.map((c) => c.id), CHARTS);
    for (const c of charts) {
      assert.ok(c.label.length > 20, `${c.id}: the chart has no text label`);
      assert.ok(c.rows > 0, `${c.id}: the chart has no table rows`);
    }
    const text = await page.evaluate(() => document.querySelector('#report')?.textContent ?? '');
    // A right-to-left override from the repository cannot reorder what the page shows.
    assert.match(text, /Production <infra> & "state"\uFFFD/);
    assert.ok(!text.includes('\u202e'), 'the bidi override is shown as U+FFFD');
    assert.match(text, /my-agent<img src=x>/);
    assert.match(text, /src\/app\.ts/);
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, script').length), 0, 'repository strings must stay text');
    await page.context().close();
  });

  it('opens a folder of the drill-down from the keyboard', async () => {
    const { page } = await open('light');
    const summaries = await page.locator('.tree summary').count();
    assert.ok(summaries >= 2, 'the tree has folders');
    const inner = page.locator('.tree details details').first();
    assert.equal(await inner.evaluate((d) => (d as unknown as Node).open), false);
    await inner.locator('summary').first().focus();
    await page.keyboard.press('Enter');
    assert.equal(await inner.evaluate((d) => (d as unknown as Node).open), true);
    await page.context().close();
  });

  it('passes an axe-core accessibility scan with no serious or critical violation, light and dark', async () => {
    const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    for (const scheme of ['light', 'dark'] as const) {
      // The page's own policy allows no script: axe is injected around it.
      const { page } = await open(scheme, true);
      await page.addScriptTag({ content: source });
      const result = await page.evaluate(() => axe.run());
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(
        serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`),
        [],
        scheme,
      );
      await page.context().close();
    }
  });
});
