// What recording an agent's edit reads besides the payload: the file's text now, and who to credit.
// Synchronous reads: the hook is a short-lived process, and an agent waits for every call of it.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Attribution } from '../core/model';
import type { Repo } from '../git/repo';
import { normalizeModel } from '../core/modelName';
import { modelFromTranscript } from './transcript';
import type { SessionInfo } from './types';

/** Files larger than this are neither snapshotted nor attributed. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type Read = { kind: 'missing' } | { kind: 'unusable'; why: string } | { kind: 'text'; text: string };

export async function readFileText(repo: Repo, rel: string): Promise<Read> {
  const file = path.join(repo.root, ...rel.split('/'));
  let buf: Buffer;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { kind: 'unusable', why: 'not a regular file' };
    if (st.size > MAX_FILE_BYTES) return { kind: 'unusable', why: `larger than ${MAX_FILE_BYTES >> 20} MB` };
    buf = readFileSync(file);
  } catch {
    return { kind: 'missing' };
  }
  if (buf.includes(0)) return { kind: 'unusable', why: 'binary' };
  return { kind: 'text', text: buf.toString('utf8') };
}

export async function attribution(agent: string, info: Omit<SessionInfo, 'cwd'>, now: number, detail?: string): Promise<Attribution> {
  let model = normalizeModel(info.model);
  if (!model && info.transcriptPath) model = normalizeModel(await modelFromTranscript(info.transcriptPath));
  return {
    agent,
    ...(model ? { model } : {}),
    source: 'agent-hook',
    ...(info.session ? { session: info.session } : {}),
    at: new Date(now).toISOString(),
    ...(detail ? { detail } : {}),
  };
}
