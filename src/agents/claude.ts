// Claude Code PreToolUse/PostToolUse payloads (https://code.claude.com/docs/en/hooks, "PreToolUse input", "PostToolUse input").
import { isObject, obj, optStr, PayloadError, str, type FileWrite, type HookEvent, type JsonObject, type Replacement, type SessionInfo } from './types';

function replacementOf(e: JsonObject, where: string): Replacement {
  return { oldText: str(e, 'old_string', where), newText: str(e, 'new_string', where), ...(e['replace_all'] === true ? { all: true } : {}) };
}

function writeOf(tool: string, input: JsonObject): FileWrite {
  const path = str(input, 'file_path', 'tool_input.');
  switch (tool) {
    case 'Write':
      return { kind: 'write', path, content: str(input, 'content', 'tool_input.') };
    case 'Edit':
      return { kind: 'replace', path, replacements: [replacementOf(input, 'tool_input.')] };
    default: {
      const edits = input['edits'];
      if (!Array.isArray(edits) || edits.length === 0) throw new PayloadError("missing or empty field 'tool_input.edits'");
      return {
        kind: 'replace',
        path,
        replacements: edits.map((e, i) => {
          if (!isObject(e)) throw new PayloadError(`field 'tool_input.edits[${i}]' is not an object`);
          return replacementOf(e, `tool_input.edits[${i}].`);
        }),
      };
    }
  }
}

export function parseClaude(p: unknown): HookEvent {
  if (!isObject(p)) throw new PayloadError('payload is not a JSON object');
  const event = str(p, 'hook_event_name');
  if (event !== 'PreToolUse' && event !== 'PostToolUse') return { kind: 'ignore', reason: `event '${event}' is not a tool event` };
  const tool = str(p, 'tool_name');
  const info: SessionInfo = { cwd: optStr(p, 'cwd'), session: optStr(p, 'session_id'), transcriptPath: optStr(p, 'transcript_path') };
  const before = event === 'PreToolUse';
  if (tool === 'Bash') {
    const command = str(obj(p, 'tool_input'), 'command', 'tool_input.');
    const key = optStr(p, 'tool_use_id') ?? command;
    return before ? { kind: 'before-shell', key, command, info, gate: event } : { kind: 'after-shell', key, info };
  }
  // Notebook cells are JSON inside the file, not lines a person reads: not tracked.
  if (tool === 'NotebookEdit') return { kind: 'ignore' };
  if (tool !== 'Write' && tool !== 'Edit' && tool !== 'MultiEdit') return { kind: 'ignore', reason: `tool '${tool}' does not write files` };
  const input = obj(p, 'tool_input');
  const write = writeOf(tool, input);
  const key = optStr(p, 'tool_use_id') ?? tool;
  if (before) return { kind: 'before-edit', key, paths: [write.path], writes: [write], info, gate: event };
  const response = p['tool_response'];
  if (isObject(response) && response['success'] === false) return { kind: 'ignore' };
  return { kind: 'after-edit', key, writes: [write], info };
}
