// The API `activate()` returns to other extensions and tests.
import type * as vscode from 'vscode';
import type { ProvenanceService } from './provenance';

export interface LineProvenanceInfo {
  /** 0-based. */
  readonly line: number;
  readonly kind: 'human' | 'ai' | 'mixed';
  readonly agent?: string;
  readonly model?: string;
  readonly source?: string;
  readonly session?: string;
  /** More on the source, e.g. `shell` for an agent's shell-tool edit. */
  readonly detail?: string;
  readonly commit?: string;
}

export interface AiProvenanceApi {
  readonly version: 1;
  getLineProvenance(uri: vscode.Uri): Promise<LineProvenanceInfo[]>;
  readonly onDidChangeProvenance: vscode.Event<vscode.Uri>;
}

export function createApi(service: ProvenanceService): AiProvenanceApi {
  return {
    version: 1,
    async getLineProvenance(uri) {
      return (await service.lineInfos(uri)).map((l) =>
        l.kind === 'human'
          ? { line: l.line, kind: l.kind }
          : {
              line: l.line,
              kind: l.kind,
              agent: l.agent,
              ...(l.model ? { model: l.model } : {}),
              source: l.source,
              ...(l.session ? { session: l.session } : {}),
              ...(l.detail ? { detail: l.detail } : {}),
              ...(l.commit ? { commit: l.commit } : {}),
            },
      );
    },
    onDidChangeProvenance: service.onDidChangeProvenance,
  };
}
