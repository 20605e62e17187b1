// Cursor hooks (https://cursor.com/docs/agent/hooks, "Common schema", "afterFileEdit", "afterTabFileEdit",
// "beforeShellExecution", "afterShellExecution", "preToolUse").
import { isObject, obj, optStr, PayloadError, str, type HookEvent, type JsonObject, type Replacement, type SessionInfo } from './types';

function edits(p: { readonly [k: string]: unknown }): Replacement[] {
  const list = p['edits'];
  if (!Array.isArray(list) || list.length === 0) throw new PayloadError("missing or empty field 'edits'");
  return list.map((e, i) => {
    if (!isObject(e)) throw new PayloadError(`field 'edits[${i}]' is not an object`);
    const range = e['range'];
    const line = isObject(range) ? range['start_line_number'] : undefined;
    return {
      oldText: str(e, 'old_string', `edits[${i}].`),
      newText: str(e, 'new_string', `edits[${i}].`),
      // With several edits the docs do not say whether ranges count before or after the earlier ones: no hint then.
      ...(list.length === 1 && typeof line === 'number' && Number.isInteger(line) && line > 0 ? { lineHint: line } : {}),
    };
  });
}

// Cursor's file tools (preToolUse `tool_name`); their after-event, afterFileEdit, is located by its own text.
const FILE_TOOLS = new Set(['Write', 'Edit', 'StrReplace', 'MultiEdit', 'Delete', 'EditNotebook']);

/** The generic pre-tool event: only asked for a decision; shell commands are gated by beforeShellExecution. */
function preToolUse(p: JsonObject, info: SessionInfo): HookEvent {
  const tool = str(p, 'tool_name');
  if (!FILE_TOOLS.has(tool)) return { kind: 'ignore' };
  const input = obj(p, 'tool_input');
  const path = optStr(input, 'file_path') ?? optStr(input, 'path') ?? optStr(input, 'target_file');
  if (path === undefined) throw new PayloadError("missing field 'tool_input.file_path'");
  return { kind: 'before-edit', key: optStr(p, 'tool_use_id') ?? tool, paths: [path], info, gate: 'preToolUse', gateOnly: true };
}

export function parseCursor(p: unknown): HookEvent {
  if (!isObject(p)) throw new PayloadError('payload is not a JSON object');
  const event = str(p, 'hook_event_name');
  const roots = p['workspace_roots'];
  const info: SessionInfo = {
    cwd: optStr(p, 'cwd') ?? (Array.isArray(roots) && typeof roots[0] === 'string' ? roots[0] : undefined),
    session: optStr(p, 'conversation_id'),
    model: optStr(p, 'model'),
  };
  switch (event) {
    case 'afterFileEdit':
    case 'afterTabFileEdit': {
      const path = str(p, 'file_path');
      return { kind: 'after-edit', key: event, writes: [{ kind: 'replace', path, replacements: edits(p) }], info };
    }
    case 'beforeShellExecution':
    case 'afterShellExecution': {
      // No call id in these events: a generation runs a given command once at a time.
      const command = str(p, 'command');
      const key = `${optStr(p, 'generation_id') ?? ''}:${command}`;
      return event === 'beforeShellExecution' ? { kind: 'before-shell', key, command, info, gate: event } : { kind: 'after-shell', key, info };
    }
    case 'preToolUse':
      return preToolUse(p, info);
    default:
      return { kind: 'ignore', reason: `event '${event}' is not an edit or shell event` };
  }
}
