// Cursor hooks (https://cursor.com/docs/agent/hooks, "Common schema", "afterFileEdit", "afterTabFileEdit",
// "beforeShellExecution", "afterShellExecution").
import { isObject, optStr, PayloadError, str, type HookEvent, type Replacement, type SessionInfo } from './types';

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
      const key = `${optStr(p, 'generation_id') ?? ''}:${str(p, 'command')}`;
      return { kind: event === 'beforeShellExecution' ? 'before-shell' : 'after-shell', key, info };
    }
    default:
      return { kind: 'ignore', reason: `event '${event}' is not an edit or shell event` };
  }
}
