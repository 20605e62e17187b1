// One agent process for the concurrency test: `n` Claude Code Edit calls, each a PreToolUse and a PostToolUse run
// through the hook command in this process, with the edit itself written to disk in between.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { command } from '../../../src/cli/commands/hook';

async function main(): Promise<void> {
  const [repo, worker, count] = process.argv.slice(2) as [string, string, string];
  const file = path.join(repo, `w${worker}.txt`);
  let stdout = '';
  let stderr = '';
  const sink = (onData: (s: string) => void) => new Writable({ write: (chunk, _enc, cb) => (onData(String(chunk)), cb()) });
  const run = (payload: object) =>
    command.run(['claude-code'], { cwd: repo, stdin: Readable.from([JSON.stringify(payload)]), stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
  for (let i = 0; i < Number(count); i++) {
    const end = `// end ${worker}\n`;
    const input = { file_path: file, old_string: end, new_string: `edit ${i} by worker ${worker}\n${end}` };
    const base = { session_id: `session-${worker}`, transcript_path: '', cwd: repo, permission_mode: 'default', tool_name: 'Edit', tool_input: input, tool_use_id: `toolu_${worker}_${i}` };
    const codes = [await run({ ...base, hook_event_name: 'PreToolUse' })];
    writeFileSync(file, readFileSync(file, 'utf8').replace(end, input.new_string));
    codes.push(await run({ ...base, hook_event_name: 'PostToolUse', tool_response: { filePath: file, success: true } }));
    if (codes.some((c) => c !== 0)) stderr += `exit ${codes.join(',')}\n`;
  }
  appendFileSync(path.join(repo, `w${worker}.done`), JSON.stringify({ stdout, stderr }));
}

main().catch((err) => {
  process.stderr.write(String(err));
  process.exitCode = 1;
});
