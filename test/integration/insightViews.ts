// The insight views as a user sees them, read from the page: the Explorer's badges, the "AI Provenance" view in
// Source Control, the report webview; and closing what an insight test opened.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { REPORT_VIEW } from '../../src/extension/reportPanel';
import { driver } from './harness';

/** The few DOM calls made inside `driver.evaluate` (the project compiles without the DOM library). */
interface El {
  readonly textContent: string | null;
  readonly outerHTML: string;
  readonly contentDocument?: { readonly body: El | null; querySelector(selector: string): El | null } | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
}
declare const document: { querySelectorAll(selector: string): ArrayLike<El>; querySelector(selector: string): El | null };
declare function getComputedStyle(el: El, pseudo: string): { content: string };

/**
 * The Explorer row of a file: the badge VS Code draws from file decorations (as CSS content after the label; '' when
 * none) and the label's accessible text, which holds the decorations' tooltips.
 */
export async function explorerRow(name: string): Promise<{ badge: string; title: string } | undefined> {
  // The page's `undefined` arrives as null.
  const row = await driver.evaluate((file: string) => {
    const rows = Array.from(document.querySelectorAll('.explorer-folders-view .monaco-list-row'));
    const row = rows.find((r) => r.querySelector('.label-name')?.textContent === file);
    if (!row) return undefined;
    const label = row.querySelector('.monaco-icon-label');
    if (!label) return undefined;
    const content = getComputedStyle(label, '::after').content;
    return { badge: content === 'none' || content === 'normal' ? '' : content.replace(/^"|"$/g, ''), title: label.getAttribute('aria-label') ?? '' };
  }, name);
  return row ?? undefined;
}

/** Rows of the "AI Provenance" view in Source Control, by their accessible labels. */
export async function viewRows(): Promise<string[]> {
  return driver.evaluate(() => {
    const pane = Array.from(document.querySelectorAll('.pane')).find((p) => p.querySelector('.pane-header')?.getAttribute('aria-label')?.includes('AI Provenance'));
    return pane ? Array.from(pane.querySelectorAll('.monaco-list-row')).map((r) => r.getAttribute('aria-label') ?? '') : [];
  }, undefined);
}

/** The text of the report webview (the webview's inner frame is served from the workbench's own origin). */
export async function webviewText(): Promise<string | undefined> {
  // The page's `undefined` arrives as null.
  const text = await driver.evaluate(() => {
    for (const outer of Array.from(document.querySelectorAll('iframe.webview'))) {
      const inner = outer.contentDocument?.querySelector('iframe#active-frame');
      const text = inner?.contentDocument?.body?.textContent;
      if (text && text.includes('AI Provenance')) return text;
    }
    return undefined;
  }, undefined);
  return text ?? undefined;
}

/**
 * Closes the editors of `uri` and the report, and nothing else: closeAllEditors would wait on "Save changes?" for
 * editors other test files left modified. Fails when an editor of `uri` is left modified (closing it would ask).
 */
export async function closeTabsOf(uri: vscode.Uri | undefined): Promise<void> {
  const ours = vscode.window.tabGroups.all.flatMap((g) =>
    g.tabs.filter((t) => (t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri?.toString()) || (t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(REPORT_VIEW))),
  );
  assert.ok(!ours.some((t) => t.isDirty), `${uri?.fsPath} is left modified`);
  await vscode.window.tabGroups.close(ours);
}
