// The one typed reader of the `aiProvenance.*` settings; mirrors `contributes.configuration` in package.json.
import * as vscode from 'vscode';

export const SECTION = 'aiProvenance';

export interface Settings {
  /** Gutter bars, overview-ruler marks and hovers. */
  readonly annotations: boolean;
  readonly overviewRuler: boolean;
  readonly hovers: boolean;
  readonly statusBar: boolean;
  /** Use `detailedReason` when VS Code provides it; off leaves only the stable-API fallbacks. */
  readonly useEditSource: boolean;
  /** Attribute the edit made by accepting an inline suggestion through our Tab binding. */
  readonly interceptInlineAccept: boolean;
  readonly chatEditingFallback: boolean;
  /** Extension id → agent id (or `human`), over the built-in map. */
  readonly agents: Readonly<Record<string, string>>;
  readonly criticalNotifications: boolean;
  /** Milliseconds between the last edit and writing the working state. */
  readonly persistDelay: number;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const agents = c.get<unknown>('detection.agents');
  return {
    annotations: c.get<boolean>('annotations.enabled', true),
    overviewRuler: c.get<boolean>('annotations.overviewRuler', true),
    hovers: c.get<boolean>('annotations.hovers', true),
    statusBar: c.get<boolean>('statusBar.enabled', true),
    useEditSource: c.get<boolean>('detection.useEditSource', true),
    interceptInlineAccept: c.get<boolean>('detection.interceptInlineAccept', true),
    chatEditingFallback: c.get<boolean>('detection.chatEditing', true),
    agents: typeof agents === 'object' && agents !== null && !Array.isArray(agents) ? (agents as Record<string, string>) : {},
    criticalNotifications: c.get<boolean>('criticalPaths.notify', true),
    persistDelay: Math.max(0, c.get<number>('persistDelay', 300)),
  };
}

/** True when a configuration change touches one of the given `aiProvenance.` keys. */
export function affects(e: vscode.ConfigurationChangeEvent, ...keys: string[]): boolean {
  return keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
}
