// The small part of the built-in Git extension's API (`vscode.git`, getAPI(1)) used to sign off from the SCM view.
import * as vscode from 'vscode';

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: { value: string };
  getConfig(key: string): Promise<string>;
}

interface GitAPI {
  readonly repositories: readonly GitRepository[];
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitAPI;
}

export async function gitApi(): Promise<GitAPI | undefined> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return undefined;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  return exports?.enabled ? exports.getAPI(1) : undefined;
}

/** The repository whose work tree holds `fsPath` (the innermost one, for nested repositories). */
export function repositoryFor(api: GitAPI, fsPath: string | undefined): GitRepository | undefined {
  if (!fsPath) return api.repositories.length === 1 ? api.repositories[0] : undefined;
  let best: GitRepository | undefined;
  for (const r of api.repositories) {
    const root = r.rootUri.fsPath;
    if ((fsPath === root || fsPath.startsWith(root.endsWith('/') ? root : `${root}/`)) && (!best || root.length > best.rootUri.fsPath.length)) best = r;
  }
  return best;
}
