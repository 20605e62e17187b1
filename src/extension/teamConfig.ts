// Loads each repository's `.ai-provenance.json`, keeps the last good one, and reports problems at their exact position.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE, DEFAULT_CONFIG, compileConfig, parseConfig, type CompiledConfig, type CriticalRule } from '../core/config';
import type { RepoRef } from './store';

export { CONFIG_FILE };
export const DIAGNOSTIC_SOURCE = 'AI Provenance';

export type { CriticalRule };

export class TeamConfig implements vscode.Disposable {
  private readonly compiled = new Map<string, CompiledConfig>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the repository root whose config changed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly diagnostics: vscode.DiagnosticCollection) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE}`);
    this.disposables.push(watcher);
    const reloadFile = (uri: vscode.Uri): void => void this.load(path.dirname(uri.fsPath));
    watcher.onDidChange(reloadFile, this, this.disposables);
    watcher.onDidCreate(reloadFile, this, this.disposables);
    watcher.onDidDelete(reloadFile, this, this.disposables);
    // Problems follow the text as it is typed, before it is saved.
    vscode.workspace.onDidChangeTextDocument(
      (e) => {
        if (isConfigDoc(e.document) && e.contentChanges.length > 0) {
          this.apply(path.dirname(e.document.uri.fsPath), e.document.uri, e.document.getText());
        }
      },
      this,
      this.disposables,
    );
    vscode.workspace.onDidOpenTextDocument(
      (d) => {
        if (isConfigDoc(d)) this.apply(path.dirname(d.uri.fsPath), d.uri, d.getText());
      },
      this,
      this.disposables,
    );
  }

  /** Reads the config of a repository (once; later changes arrive through the watcher). */
  async ensure(repo: RepoRef): Promise<void> {
    return this.ensureRoot(repo.root);
  }

  private async ensureRoot(root: string): Promise<void> {
    if (this.compiled.has(root) || this.loading.has(root)) return this.loading.get(root);
    const p = this.load(root);
    this.loading.set(root, p);
    await p;
  }

  private readonly loading = new Map<string, Promise<void>>();

  private async load(root: string): Promise<void> {
    const uri = vscode.Uri.file(path.join(root, CONFIG_FILE));
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string | undefined;
    if (open) text = open.getText();
    else {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        text = undefined;
      }
    }
    this.apply(root, uri, text);
  }

  private apply(root: string, uri: vscode.Uri, text: string | undefined): void {
    if (text === undefined) {
      this.diagnostics.delete(uri);
      this.compiled.set(root, compileConfig(DEFAULT_CONFIG));
      this.changed.fire(root);
      return;
    }
    const { config, problems } = parseConfig(text);
    this.diagnostics.set(
      uri,
      problems.map((p) => {
        // Problems count lines and columns from 1; an empty span still gets one character so it is visible.
        const start = new vscode.Position(p.line - 1, p.column - 1);
        const end = new vscode.Position(p.line - 1, p.column - 1 + Math.max(1, p.length));
        const d = new vscode.Diagnostic(new vscode.Range(start, end), p.message, vscode.DiagnosticSeverity.Error);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = 'config';
        return d;
      }),
    );
    // A broken file keeps the last good config in force.
    if (config) this.compiled.set(root, compileConfig(config));
    else if (!this.compiled.has(root)) this.compiled.set(root, compileConfig(DEFAULT_CONFIG));
    this.changed.fire(root);
  }

  ruleFor(repo: RepoRef | undefined, relPath: string | undefined): CriticalRule | undefined {
    if (!repo || relPath === undefined) return undefined;
    return this.compiled.get(repo.root)?.ruleFor(relPath)?.rule;
  }

  /** Whether the repository's config asks for SSH-signed sign-offs (§13); reads the config first if needed. */
  async wantsSshSignoff(root: string): Promise<boolean> {
    await this.ensureRoot(root);
    return this.compiled.get(root)?.config.signoff?.method === 'ssh';
  }

  /** The config in force for a repository (the defaults until it is loaded). */
  compiledFor(repo: RepoRef): CompiledConfig {
    return this.compiled.get(repo.root) ?? compileConfig(DEFAULT_CONFIG);
  }

  isIgnored(repo: RepoRef, relPath: string): boolean {
    return this.compiled.get(repo.root)?.isIgnored(relPath) ?? false;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function isConfigDoc(d: vscode.TextDocument): boolean {
  return d.uri.scheme === 'file' && path.basename(d.uri.fsPath) === CONFIG_FILE;
}
