// `ai-provenance record`: mark lines as AI-written by hand or from scripts.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../command';
import { parseCommandArgs, stringOpt, UsageError } from '../args';
import { splitLines } from '../../core/lines';
import type { Attribution, LineProvenance } from '../../core/model';
import { fromLines, toLines } from '../../core/lineRuns';
import { normalizeModel } from '../../core/modelName';
import { discoverRepo, fromRepoPath, toRepoPath, type Repo } from '../../git/repo';
import { WorkingState } from '../../git/workingState';

const HELP = `Usage: ai-provenance record --agent AGENT [--model PROVIDER/MODEL] [--session ID] FILE[:START-END]...

Records lines as AI-written in the working state (shown in the editor, counted in the next commit).
Lines are 1-based and inclusive; FILE alone records every non-blank line of the file.

Options:
  --agent AGENT     lower-case agent id: copilot, claude-code, cursor, codex, gemini-cli, aider, cline,
                    roo, continue, windsurf, kiro, or unknown-ai
  --model M         model in models.dev form, e.g. anthropic/claude-opus-4-5 (a bare name such as
                    claude-opus-4-5 or gpt-5 gets its provider; one that does not tell it is refused)
  --session ID      the agent's session id
`;

interface Target {
  readonly spec: string;
  readonly file: string;
  readonly range?: readonly [number, number];
}

/**
 * `FILE:START-END` or `FILE:LINE`, the suffix taken from the very end so a file name may hold colons and newlines;
 * a file whose own name ends that way is taken whole when it exists.
 */
async function parseTarget(spec: string, cwd: string): Promise<Target> {
  const m = /^(.+):(\d+)(?:-(\d+))?$/s.exec(spec);
  if (!m) return { spec, file: spec };
  if (await exists(path.resolve(cwd, spec))) return { spec, file: spec };
  const start = Number(m[2]);
  const end = m[3] === undefined ? start : Number(m[3]);
  if (start < 1 || end < start) throw new UsageError(`ai-provenance record: ${shown(spec)}: expected START-END with 1 <= START <= END`);
  return { spec, file: m[1]!, range: [start, end] };
}

// A name with a line break or control character is quoted, so the error stays on one line.
function shown(name: string): string {
  return /[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name) : name;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.stat(p);
    return true;
  } catch {
    return false;
  }
}

/** A file to record, read and checked: every 0-based line index to mark. */
interface Checked {
  readonly repoPath: string;
  readonly text: string;
  readonly marks: Set<number>;
}

/** Reads every target and checks its range, so that bad input anywhere records nothing at all. */
async function checkTargets(targets: readonly Target[], repo: Repo, cwd: string): Promise<Checked[]> {
  const byPath = new Map<string, Checked>();
  for (const t of targets) {
    const repoPath = toRepoPath(repo, t.file, cwd);
    let file = byPath.get(repoPath);
    if (!file) {
      let text: string;
      try {
        text = await fsp.readFile(fromRepoPath(repo, repoPath), 'utf8');
      } catch (err) {
        throw new UsageError(`ai-provenance record: ${shown(t.file)}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      file = { repoPath, text, marks: new Set() };
      byPath.set(repoPath, file);
    }
    // The same line split as the tracker and the working state, so CRLF and lone-CR files count alike everywhere.
    const textLines = splitLines(file.text);
    const count = textLines.length - (textLines[textLines.length - 1] === '' ? 1 : 0);
    const [start, end] = t.range ?? [1, count];
    if (t.range && end > count) throw new UsageError(`ai-provenance record: ${shown(t.spec)}: ${shown(t.file)} has ${count} line${count === 1 ? '' : 's'}`);
    for (let i = start - 1; i < end; i++) if (textLines[i] !== '') file.marks.add(i);
  }
  return [...byPath.values()];
}

export const command: Command = {
  help: HELP,
  async run(args, io) {
    try {
      const p = parseCommandArgs('record', args, { agent: { type: 'string' }, model: { type: 'string' }, session: { type: 'string' } });
      const agent = stringOpt(p, 'agent');
      if (!agent) throw new UsageError('ai-provenance record: --agent is required (see ai-provenance record --help)');
      if (!/^[a-z0-9][a-z0-9.-]*$/.test(agent)) throw new UsageError(`ai-provenance record: --agent '${agent}': expected a lower-case agent id such as claude-code`);
      if (p.positionals.length === 0) throw new UsageError('ai-provenance record: name at least one FILE[:START-END]');
      const rawModel = stringOpt(p, 'model');
      // Read as every agent hook and the editor read it, so one model is never recorded two ways.
      const model = normalizeModel(rawModel);
      if (rawModel !== undefined && model === undefined) {
        throw new UsageError(`ai-provenance record: --model '${rawModel}': expected PROVIDER/MODEL such as anthropic/claude-opus-4-5, or a model name that tells its provider`);
      }
      const session = stringOpt(p, 'session');
      const attribution: Attribution = {
        agent,
        ...(model ? { model } : {}),
        source: 'manual',
        ...(session ? { session } : {}),
        at: new Date().toISOString(),
      };
      const repo = await discoverRepo(io.cwd);
      const state = WorkingState.forRepo(repo);
      const targets = await Promise.all(p.positionals.map((s) => parseTarget(s, io.cwd)));
      const files = await checkTargets(targets, repo, io.cwd);
      const ai: LineProvenance = { kind: 'ai', attribution };
      for (const f of files) await state.update(f.repoPath, f.text, (cur) => fromLines(toLines(cur).map((l, i) => (f.marks.has(i) ? ai : l))));
      return 0;
    } catch (err) {
      io.stderr.write(`${err instanceof UsageError ? '' : 'ai-provenance record: '}${(err as Error).message}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
  },
};
