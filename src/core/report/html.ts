// The provenance report (PRODUCT.md §14) as one self-contained HTML page: `ai-provenance report` writes it to a file,
// the editor shows it in a webview. Charts are inline SVG drawn here, so the page needs no script, no font and
// no network to show them; each chart has a table with the same figures. Every repository string is escaped.
import { unjudgedNote, type AgentRow, type DirNode, type Insight, type WeekRow } from '../insight';
import { visibleText } from '../markdownText';
import type { PendingFile } from '../pending';

export interface ReportModel {
  readonly version: 1;
  /** Name of the repository (its folder). */
  readonly repository: string;
  readonly generatedAt: string;
  readonly range: readonly string[];
  readonly at?: { readonly rev: string; readonly sha: string };
  readonly notesRef: boolean;
  readonly problems: readonly string[];
  /** Absent when history could not be read (restricted mode); `historyNote` says why. */
  readonly insight?: Insight;
  readonly historyNote?: string;
  readonly pending?: readonly PendingFile[];
}

export interface RenderOptions {
  /** Allows the page's one style element (and, in the editor, its script) under the Content-Security-Policy. */
  readonly nonce: string;
  /** `vscode`: colours from the editor's theme, and a script that swaps in new content without losing place. */
  readonly theme?: 'standalone' | 'vscode';
  /** The webview's own source for the policy (`webview.cspSource`). */
  readonly cspSource?: string;
}

const AGENT_COLOURS: Readonly<Record<string, readonly [string, string, string]>> = {
  copilot: ['copilot', '#6e40c9', '#a371f7'],
  'claude-code': ['claudeCode', '#c15f3c', '#d97757'],
  cursor: ['cursor', '#1f6feb', '#58a6ff'],
  codex: ['codex', '#10a37f', '#3fb950'],
  'gemini-cli': ['geminiCli', '#1a73e8', '#8ab4f8'],
  aider: ['aider', '#b08800', '#d29922'],
  cline: ['cline', '#bf3989', '#db61a2'],
  roo: ['roo', '#9a6700', '#e3b341'],
  continue: ['continue', '#0969da', '#79c0ff'],
  windsurf: ['windsurf', '#0f766e', '#2dd4bf'],
  kiro: ['kiro', '#7c3aed', '#c4b5fd'],
  'unknown-ai': ['unknownAi', '#6e7781', '#8b949e'],
};
const OTHER: readonly [string, string] = ['#57606a', '#adbac7'];

/**
 * Text for HTML content and attribute values: markup characters escaped, and shown on one line with no control or
 * bidirectional override characters (a file name cannot reorder what a table cell shows).
 */
export function esc(s: string | number): string {
  return visibleText(String(s)).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// One formatter for the page: toLocaleString builds a new one per call, which a report of a large history (thousands of
// figures) feels; the text is the same.
const EN = new Intl.NumberFormat('en-US');
const n = (x: number): string => EN.format(x);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** CSS class of an agent's colour. */
function agentClass(agent: string, agents: readonly string[]): string {
  return AGENT_COLOURS[agent] ? `ag-${agent}` : `ag-x${Math.max(0, agents.indexOf(agent)) % 4}`;
}

function css(theme: 'standalone' | 'vscode'): string {
  const known = Object.entries(AGENT_COLOURS);
  const light = known.map(([a, [, l]]) => `.ag-${a}{--c:${l}}`).join('') + [0, 1, 2, 3].map((i) => `.ag-x${i}{--c:${OTHER[0]}}`).join('');
  const dark = known.map(([a, [, , d]]) => `.ag-${a}{--c:${d}}`).join('') + [0, 1, 2, 3].map((i) => `.ag-x${i}{--c:${OTHER[1]}}`).join('');
  const vscodeAgents = known.map(([a, [id, , d]]) => `.ag-${a}{--c:var(--vscode-aiProvenance-agent-${id},${d})}`).join('');
  const base = `
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--human:#d1d9e0;--ok:#1a7f37;--bad:#cf222e;--mixed:#9a6700;--link:#0969da;--focus:#0969da}
${light}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--panel:#151b23;--human:#3d444d;--ok:#3fb950;--bad:#f85149;--mixed:#d29922;--link:#4493f8;--focus:#4493f8}${dark}}`;
  const vscode = `
:root{--bg:var(--vscode-editor-background);--fg:var(--vscode-foreground);--muted:var(--vscode-descriptionForeground);--line:var(--vscode-panel-border,#8884);--panel:var(--vscode-sideBar-background,transparent);--human:var(--vscode-panel-border,#8886);--ok:var(--vscode-testing-iconPassed,#3fb950);--bad:var(--vscode-aiProvenance-critical,#f85149);--mixed:var(--vscode-aiProvenance-mixed,#d29922);--link:var(--vscode-textLink-foreground);--focus:var(--vscode-focusBorder)}
body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size)}
${light}${vscodeAgents}body.vscode-dark .ag-x0,body.vscode-dark .ag-x1,body.vscode-dark .ag-x2,body.vscode-dark .ag-x3{--c:${OTHER[1]}}`;
  return `${theme === 'vscode' ? vscode : base}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
${theme === 'vscode' ? 'body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size)}' : ''}
a{color:var(--link)}
a:focus-visible,summary:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px;z-index:1}
header,main{max-width:1100px;margin:0 auto;padding:16px 24px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .4em;border-bottom:1px solid var(--line);padding-bottom:.2em}
.meta,.note{color:var(--muted)}
nav ul{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;padding:0;margin:8px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px;margin:12px 0}
.card{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:1.6em}
figure{margin:12px 0;break-inside:avoid}figcaption{font-weight:600;margin-bottom:6px}
svg{display:block;max-width:100%;height:auto}svg text{fill:var(--fg);font-size:11px}
.axis{stroke:var(--line)}.c{fill:var(--c)}.human{fill:var(--human)}.ok{fill:var(--ok)}.bad{fill:var(--bad)}.mixedfill{fill:var(--mixed)}
table{border-collapse:collapse;width:100%;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td.n,th.n{text-align:right}
.key{display:inline-block;width:.8em;height:.8em;border-radius:2px;background:var(--c);margin-right:4px;vertical-align:-.05em}
.key.human{background:var(--human)}.key.ok{background:var(--ok)}.key.bad{background:var(--bad)}.key.mixedfill{background:var(--mixed)}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:4px 0;font-size:.9em}
.tree details{margin-left:1.1em}.tree>details{margin-left:0}
.tree summary,.tree .file{display:grid;grid-template-columns:minmax(140px,1fr) 160px 15em;gap:8px;align-items:center;padding:1px 0}
.tree .file{margin-left:2.2em}
.tree summary{cursor:pointer}
.bad-text{color:var(--bad);font-weight:600}.ok-text{color:var(--ok)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media print{nav,.skip{display:none}body{background:#fff;color:#000}details::details-content{content-visibility:visible;display:block}h2{break-after:avoid}tr{break-inside:avoid}}
`;
}

/** The whole page. */
export function renderReport(model: ReportModel, opts: RenderOptions): string {
  const theme = opts.theme ?? 'standalone';
  const nonce = esc(opts.nonce);
  const src = opts.cspSource ? ` ${opts.cspSource}` : '';
  const policy = `default-src 'none'; style-src 'nonce-${nonce}'${src}; img-src data:${src};${theme === 'vscode' ? ` script-src 'nonce-${nonce}';` : ''} base-uri 'none'; form-action 'none'`;
  const script =
    theme === 'vscode'
      ? `<script nonce="${nonce}">(()=>{addEventListener('message',e=>{const d=e.data;if(!d||d.type!=='update')return;const m=document.getElementById('report');const open=[...m.querySelectorAll('details[open][id]')].map(x=>x.id);const y=scrollY;m.innerHTML=d.html;for(const id of open){const x=document.getElementById(id);if(x)x.open=true}scrollTo(0,y)})})();</script>`
      : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>AI Provenance report: ${esc(model.repository)}</title>
<style nonce="${nonce}">${css(theme)}</style></head>
<body><a class="skip" href="#report">Skip to the report</a>
<div id="report">${renderBody(model)}</div>${script}</body></html>
`;
}

/** The content inside the page (what the editor swaps in on refresh). */
export function renderBody(model: ReportModel): string {
  const i = model.insight;
  const agents = [...new Set([...(i?.byAgent ?? []).map((a) => a.agent), ...(i?.atRevision?.byAgent ?? []).map((a) => a.agent)])];
  const sections: [string, string, string][] = [];
  if (i) {
    sections.push(['over-time', 'AI share over time', overTime(i, agents)]);
    if (i.atRevision) sections.push(['by-directory', 'AI share by directory', byDirectory(i)]);
    if (i.critical.length > 0) sections.push(['critical', 'Critical paths', critical(i)]);
    if (i.criticalCommits.length > 0) sections.push(['critical-commits', 'Commits that brought AI lines into critical paths', criticalCommits(i)]);
    sections.push(['agents', 'Agents and models', agentsSection(i, agents)]);
  }
  if (model.pending) sections.push(['pending', 'AI lines not committed yet', pending(model.pending)]);
  if (model.problems.length > 0) sections.push(['problems', 'Problems', `<ul>${model.problems.map((p) => `<li><code>${esc(p)}</code></li>`).join('')}</ul>`]);
  const range = model.range.length > 0 ? model.range.join(' ') : '(no commits yet)';
  const at = model.at ? ` · code at <code>${esc(model.at.rev)}</code> (<code>${esc(model.at.sha.slice(0, 12))}</code>)` : '';
  return `<header><h1>AI Provenance: ${esc(model.repository)}</h1>
<p class="meta">${i ? `Range <code>${esc(range)}</code>${at} · ` : ''}generated ${esc(model.generatedAt)}</p>
${model.historyNote ? `<p class="note">${esc(model.historyNote)}</p>` : ''}
${!model.notesRef && i && i.commits > 0 ? `<p class="note">This clone has no <code>refs/notes/ai-provenance</code>: AI lines are counted from commit trailers only.</p>` : ''}
${i && (i.total.unjudged > 0 || (i.atRevision?.unjudged ?? 0) > 0) ? `<p class="note">${esc(unjudgedNote(i).join(' '))}</p>` : ''}
${i ? cards(i) : ''}
<nav aria-label="Sections"><ul>${sections.map(([id, title]) => `<li><a href="#${id}">${esc(title)}</a></li>`).join('')}</ul></nav></header>
<main>${sections.map(([id, title, body]) => `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`).join('\n')}</main>`;
}

function cards(i: Insight): string {
  const t = i.total;
  const a = i.atRevision;
  const unsigned = i.critical.reduce((s, c) => s + (a ? c.atRevision.unsigned : c.range.unsigned), 0);
  const list = [
    [`${pct(t.share)}`, `of the ${n(t.added)} lines added in ${n(i.commits)} commits were written by AI (${n(t.ai + t.mixed)} lines${t.unjudged ? `; ${n(t.unjudged)} unjudged` : ''})`],
    ...(a ? [[pct(a.share), `of the code at the revision is AI-written (${n(a.ai + a.mixed)} of ${n(a.lines)} lines${a.unjudged ? `; ${n(a.unjudged)} unjudged` : ''})`]] : []),
    ...(i.critical.length > 0 ? [[n(unsigned), `AI lines in critical paths not signed off${a ? ' at the revision' : ''}`]] : []),
  ];
  return `<div class="cards">${list.map(([big, text]) => `<div class="card"><b>${esc(big!)}</b>${esc(text!)}</div>`).join('')}</div>`;
}

function figure(id: string, caption: string, chart: string, table: string, legend = ''): string {
  return `<figure data-chart="${id}" aria-labelledby="${id}-cap"><figcaption id="${id}-cap">${esc(caption)}</figcaption>${legend}${chart}
<table data-chart-table="${id}"><caption class="sr">${esc(caption)}: the figures of the chart</caption>${table}</table></figure>`;
}

function legend(items: readonly [string, string][]): string {
  return `<div class="legend" aria-hidden="true">${items.map(([cls, label]) => `<span><span class="key ${cls}"></span>${esc(label)}</span>`).join('')}</div>`;
}

/** Buckets of the time chart: weeks, or months when there are more than two years of weeks. */
function buckets(weeks: readonly WeekRow[]): { key: string; added: number; agents: Map<string, number> }[] {
  const monthly = weeks.length > 104;
  const map = new Map<string, { key: string; added: number; agents: Map<string, number> }>();
  for (const w of weeks) {
    const key = monthly ? monthOfWeek(w.key) : w.key;
    const b = map.get(key) ?? { key, added: 0, agents: new Map<string, number>() };
    b.added += w.added;
    for (const [a, v] of Object.entries(w.agents)) b.agents.set(a, (b.agents.get(a) ?? 0) + v);
    map.set(key, b);
  }
  return [...map.values()];
}

/** The month (YYYY-MM) holding the Thursday of an ISO week. */
function monthOfWeek(week: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return week;
  const jan4 = new Date(Date.UTC(Number(m[1]), 0, 4));
  const thursday = new Date(jan4.getTime() + ((Number(m[2]) - 1) * 7 - ((jan4.getUTCDay() + 6) % 7) + 3) * 86400000);
  return thursday.toISOString().slice(0, 7);
}

function overTime(i: Insight, agents: readonly string[]): string {
  const bs = buckets(i.byWeek);
  if (bs.length === 0) return '<p>No commits in the range.</p>';
  const weekAgents = [...new Set(bs.flatMap((b) => [...b.agents.keys()]))];
  const W = 760;
  const H = 220;
  const left = 40;
  const bottom = 24;
  const plotH = H - bottom - 10;
  const max = Math.max(0.05, ...bs.map((b) => share([...b.agents.values()].reduce((s, v) => s + v, 0), b.added)));
  const top = Math.min(1, Math.ceil(max * 10) / 10);
  const bw = (W - left - 10) / bs.length;
  const y = (v: number): number => 10 + plotH - (v / top) * plotH;
  const parts: string[] = [];
  for (let k = 0; k <= 5; k++) {
    const v = (top * k) / 5;
    parts.push(`<line class="axis" x1="${left}" x2="${W - 10}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text x="${left - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.round(v * 100)}%</text>`);
  }
  const every = Math.max(1, Math.ceil(bs.length / 8));
  bs.forEach((b, k) => {
    let acc = 0;
    const x = left + k * bw + bw * 0.1;
    for (const a of weekAgents) {
      const v = share(b.agents.get(a) ?? 0, b.added);
      if (v <= 0) continue;
      parts.push(`<rect class="c ${agentClass(a, agents)}" x="${x.toFixed(1)}" y="${y(acc + v).toFixed(1)}" width="${(bw * 0.8).toFixed(1)}" height="${(y(acc) - y(acc + v)).toFixed(1)}"><title>${esc(`${b.key}: ${a} ${pct(v)}`)}</title></rect>`);
      acc += v;
    }
    if (k % every === 0) parts.push(`<text x="${(x + bw * 0.4).toFixed(1)}" y="${H - 8}" text-anchor="middle">${esc(b.key)}</text>`);
  });
  const label = `AI share of the lines added per ${i.byWeek.length > 104 ? 'month' : 'week'}, stacked by agent, from ${bs[0]!.key} to ${bs[bs.length - 1]!.key}`;
  const svg = `<svg role="img" aria-label="${esc(label)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg>`;
  const head = `<thead><tr><th scope="col">${i.byWeek.length > 104 ? 'Month' : 'Week'}</th><th scope="col" class="n">Lines added</th>${weekAgents.map((a) => `<th scope="col" class="n">${esc(a)}</th>`).join('')}<th scope="col" class="n">AI share</th></tr></thead>`;
  const rows = bs
    .map((b) => {
      const ai = [...b.agents.values()].reduce((s, v) => s + v, 0);
      return `<tr><th scope="row">${esc(b.key)}</th><td class="n">${n(b.added)}</td>${weekAgents.map((a) => `<td class="n">${n(b.agents.get(a) ?? 0)}</td>`).join('')}<td class="n">${pct(share(ai, b.added))}</td></tr>`;
    })
    .join('');
  return figure('over-time', label, svg, `${head}<tbody>${rows}</tbody>`, legend(weekAgents.map((a) => [`${agentClass(a, agents)}`, a])));
}

function bar(node: { lines: number; ai: number; mixed: number }): string {
  const a = share(node.ai, node.lines) * 100;
  const m = share(node.mixed, node.lines) * 100;
  // Widths as SVG so that no inline style is needed under the policy.
  return `<svg class="minibar" viewBox="0 0 100 10" width="160" height="10" preserveAspectRatio="none" aria-hidden="true"><rect class="human" width="100" height="10"/><rect class="c ag-x0" width="${a.toFixed(2)}" height="10"/><rect class="mixedfill" x="${a.toFixed(2)}" width="${m.toFixed(2)}" height="10"/></svg>`;
}

function treeRow(d: DirNode): string {
  const text = `${pct(share(d.ai + d.mixed, d.lines))} AI · ${n(d.ai + d.mixed)} of ${n(d.lines)} lines${d.unjudged ? ` · ${n(d.unjudged)} unjudged` : ''}`;
  const label = `${d.children.length > 0 || d.path.endsWith('/') ? d.name + '/' : d.name}`;
  return `<span><code>${esc(label)}</code></span>${bar(d)}<span>${esc(text)}</span>`;
}

function treeNode(d: DirNode, depth: number): string {
  if (!d.path.endsWith('/')) return `<div class="file">${treeRow(d)}</div>`;
  const id = `dir-${d.path.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
  // Folders without AI lines are summed up, not listed one by one.
  const withAi = d.children.filter((c) => c.ai + c.mixed + c.unjudged > 0);
  const rest = d.children.length - withAi.length;
  return `<details id="${esc(id)}"${depth === 0 ? ' open' : ''}><summary>${treeRow(d)}</summary>${withAi.map((c) => treeNode(c, depth + 1)).join('')}${rest > 0 ? `<div class="file note">${n(rest)} more folder${rest === 1 ? '' : 's'} without AI lines</div>` : ''}</details>`;
}

function byDirectory(i: Insight): string {
  const a = i.atRevision!;
  // A repository with everything under one folder (src/) is shown from inside it.
  let from = a.tree;
  while (from.children.length === 1 && from.children[0]!.path.endsWith('/')) from = from.children[0]!;
  const top = from.children.slice(0, 40);
  const W = 760;
  const rowH = 22;
  const H = top.length * rowH + 10;
  const labelW = 220;
  const parts = top.map((d, k) => {
    const y = 5 + k * rowH;
    const w = W - labelW - 120;
    const ai = share(d.ai, d.lines) * w;
    const mixed = share(d.mixed, d.lines) * w;
    return `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${esc(d.path || d.name)}</text><rect class="human" x="${labelW}" y="${y + 3}" width="${w}" height="14"/><rect class="c ag-x0" x="${labelW}" y="${y + 3}" width="${ai.toFixed(1)}" height="14"/><rect class="mixedfill" x="${(labelW + ai).toFixed(1)}" y="${y + 3}" width="${mixed.toFixed(1)}" height="14"/><text x="${labelW + w + 6}" y="${y + 14}">${pct(share(d.ai + d.mixed, d.lines))}</text>`;
  });
  const label = `AI share of the code at ${a.sha.slice(0, 12)} by folder and file${from.path && from.path !== '/' ? ` in ${from.path}` : ''}, most AI lines first`;
  const svg = top.length > 0 ? `<svg role="img" aria-label="${esc(label)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg>` : '<p>No text files at the revision.</p>';
  const u = a.unjudged > 0;
  const table = `<thead><tr><th scope="col">Folder or file</th><th scope="col" class="n">Lines</th><th scope="col" class="n">AI</th><th scope="col" class="n">Mixed</th>${u ? '<th scope="col" class="n">Unjudged</th>' : ''}<th scope="col" class="n">AI share</th></tr></thead><tbody>${top
    .map((d) => `<tr><th scope="row"><code>${esc(d.path || d.name)}</code></th><td class="n">${n(d.lines)}</td><td class="n">${n(d.ai)}</td><td class="n">${n(d.mixed)}</td>${u ? `<td class="n">${n(d.unjudged)}</td>` : ''}<td class="n">${pct(share(d.ai + d.mixed, d.lines))}</td></tr>`)
    .join('')}</tbody>`;
  const drill = `<h3>Drill down by folder</h3><p class="note">Open a folder to see its sub-folders and the files with AI lines (Enter or Space on a folder name).</p><div class="tree">${treeNode(a.tree.path === '' ? { ...a.tree, name: '(repository)', path: '/' } : a.tree, 0)}</div>`;
  return figure('by-directory', label, svg, table, legend([['ag-x0', 'AI'], ['mixedfill', 'AI, edited by a person'], ['human', 'people']])) + drill;
}

function critical(i: Insight): string {
  const W = 760;
  const rowH = 26;
  const rows = i.critical;
  const H = rows.length * rowH * 2 + 10;
  const labelW = 260;
  const max = Math.max(1, ...rows.flatMap((r) => [r.range.aiLines, r.atRevision.aiLines]));
  const w = W - labelW - 130;
  const parts: string[] = [];
  rows.forEach((r, k) => {
    const pairs: [string, { signedOff: number; unsigned: number }][] = [
      ['at revision', r.atRevision],
      ['added in range', r.range],
    ];
    pairs.forEach(([what, t], j) => {
      const y = 5 + (k * 2 + j) * rowH;
      const ok = (t.signedOff / max) * w;
      const bad = (t.unsigned / max) * w;
      parts.push(
        `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(`[${r.index}] ${r.reason.slice(0, 28)} · ${what}`)}</text><rect class="ok" x="${labelW}" y="${y + 4}" width="${ok.toFixed(1)}" height="14"/><rect class="bad" x="${(labelW + ok).toFixed(1)}" y="${y + 4}" width="${bad.toFixed(1)}" height="14"/><text x="${(labelW + ok + bad + 6).toFixed(1)}" y="${y + 15}">${n(t.signedOff)} signed off, ${n(t.unsigned)} not</text>`,
      );
    });
  });
  const label = 'AI lines in critical paths, signed off and not, at the revision and added in the range, per rule';
  const svg = `<svg role="img" aria-label="${esc(label)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg>`;
  const table = `<thead><tr><th scope="col">Rule</th><th scope="col">Level</th><th scope="col">Paths</th><th scope="col" class="n">AI lines at revision</th><th scope="col" class="n">signed off</th><th scope="col" class="n">not signed off</th><th scope="col" class="n">AI lines added in range</th><th scope="col" class="n">signed off</th><th scope="col" class="n">not signed off</th></tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr><th scope="row">[${r.index}] ${esc(r.reason)}</th><td>${esc(r.level)}</td><td><code>${esc(r.paths.join(', '))}</code></td><td class="n">${n(r.atRevision.aiLines)}</td><td class="n">${n(r.atRevision.signedOff)}</td><td class="n${r.atRevision.unsigned > 0 ? ' bad-text' : ''}">${n(r.atRevision.unsigned)}</td><td class="n">${n(r.range.aiLines)}</td><td class="n">${n(r.range.signedOff)}</td><td class="n${r.range.unsigned > 0 ? ' bad-text' : ''}">${n(r.range.unsigned)}</td></tr>`,
    )
    .join('')}</tbody>`;
  return figure('critical', label, svg, table, legend([['ok', 'signed off'], ['bad', 'not signed off']]));
}

function criticalCommits(i: Insight): string {
  const list = [...i.criticalCommits].sort((a, b) => b.time - a.time);
  const shown = list.slice(0, 500);
  const rows = shown
    .map((c) => {
      const rule = i.critical[c.rule];
      const files = c.files.map((f) => `<code>${esc(f.path)}</code>${f.aiLines === null ? ' (from trailers)' : ` (${n(f.aiLines)})`}`).join('<br>');
      const signoff = c.signedOff ? `<span class="ok-text">signed off</span> by ${esc(c.reviewers.join('; '))}` : `<span class="bad-text">not signed off</span>${c.reviewers.length > 0 ? ` (${esc(c.reviewers.join('; '))} does not count for this rule)` : ''}`;
      return `<tr><td><code>${esc(c.sha.slice(0, 12))}</code></td><td>${esc(new Date(c.time * 1000).toISOString().slice(0, 10))}</td><td>${esc(c.author)}</td><td>${esc(c.subject)}</td><td>[${c.rule}] ${esc(rule?.reason ?? '')}</td><td>${files}</td><td>${signoff}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th scope="col">Commit</th><th scope="col">Date</th><th scope="col">Author</th><th scope="col">Subject</th><th scope="col">Rule</th><th scope="col">Files (AI lines)</th><th scope="col">Sign-off</th></tr></thead><tbody>${rows}</tbody></table>${list.length > shown.length ? `<p class="note">The 500 latest of ${n(list.length)} commits are listed.</p>` : ''}`;
}

function agentBars(rows: readonly AgentRow[], agents: readonly string[], id: string, caption: string, of: string): string {
  const W = 760;
  const rowH = 22;
  const H = Math.max(1, rows.length) * rowH + 10;
  const labelW = 160;
  const max = Math.max(1, ...rows.map((r) => r.ai + r.mixed));
  const w = W - labelW - 250;
  const parts = rows.map((r, k) => {
    const y = 5 + k * rowH;
    const len = ((r.ai + r.mixed) / max) * w;
    return `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${esc(r.agent)}</text><rect class="c ${agentClass(r.agent, agents)}" x="${labelW}" y="${y + 3}" width="${len.toFixed(1)}" height="14"/><text x="${(labelW + len + 6).toFixed(1)}" y="${y + 14}">${n(r.ai + r.mixed)} lines, ${pct(r.share)} of ${of}</text>`;
  });
  const svg = rows.length > 0 ? `<svg role="img" aria-label="${esc(caption)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg>` : '<p>No AI lines.</p>';
  const table = `<thead><tr><th scope="col">Agent</th><th scope="col" class="n">AI lines</th><th scope="col" class="n">AI, edited by a person</th><th scope="col" class="n">Share of ${esc(of)}</th></tr></thead><tbody>${rows
    .map((r) => `<tr><th scope="row">${esc(r.agent)}</th><td class="n">${n(r.ai)}</td><td class="n">${n(r.mixed)}</td><td class="n">${pct(r.share)}</td></tr>`)
    .join('')}</tbody>`;
  return figure(id, caption, svg, table);
}

function agentsSection(i: Insight, agents: readonly string[]): string {
  const models = `<table><thead><tr><th scope="col">Model</th><th scope="col">Agents</th><th scope="col" class="n">AI lines added</th><th scope="col" class="n">AI, edited by a person</th><th scope="col" class="n">Share of lines added</th></tr></thead><tbody>${i.byModel
    .map((m) => `<tr><th scope="row"><code>${esc(m.model)}</code></th><td>${esc(m.agent)}</td><td class="n">${n(m.ai)}</td><td class="n">${n(m.mixed)}</td><td class="n">${pct(m.share)}</td></tr>`)
    .join('')}</tbody></table>`;
  return (
    agentBars(i.byAgent, agents, 'agents-range', 'AI lines added in the range, per agent', 'lines added') +
    (i.atRevision ? agentBars(i.atRevision.byAgent, agents, 'agents-revision', 'AI lines in the code at the revision, per agent', 'the code') : '') +
    `<h3>Models</h3>${i.byModel.length > 0 ? models : '<p>No AI lines.</p>'}`
  );
}

function pending(files: readonly PendingFile[]): string {
  if (files.length === 0) return '<p>No AI-written lines are waiting to be committed.</p>';
  const rows = files
    .map((f) => {
      const ranges = f.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
      const crit = f.critical ? `<span class="bad-text">${esc(f.critical.level)}</span>: ${esc(f.critical.reason)}` : '';
      return `<tr><th scope="row"><code>${esc(f.path)}</code></th><td class="n">${n(f.aiLines + f.mixedLines)}</td><td class="n">${pct(share(f.aiLines + f.mixedLines, f.lines))}</td><td>${esc(ranges)}</td><td>${esc(f.agents.join(', '))}</td><td>${crit}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th scope="col">File</th><th scope="col" class="n">AI lines</th><th scope="col" class="n">Share</th><th scope="col">Lines</th><th scope="col">Agents</th><th scope="col">Critical path</th></tr></thead><tbody>${rows}</tbody></table>`;
}
