// The model of a Claude Code session, read from the tail of its JSONL transcript (assistant entries carry message.model).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const TAIL_BYTES = 256 * 1024;

/** The model of the latest assistant message in the transcript, or undefined when there is none to read. */
export async function modelFromTranscript(file: string): Promise<string | undefined> {
  let fd: number | undefined;
  try {
    // Synchronous: the hook's short-lived process has nothing to do while it waits.
    fd = openSync(file, 'r');
    const { size } = fstatSync(fd);
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n');
    // The first line of a tail may be cut in half; JSON.parse rejects it.
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i]!;
      if (!line.includes('"assistant"')) continue;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof entry !== 'object' || entry === null) continue;
      const e = entry as { type?: unknown; message?: { model?: unknown } };
      const model = e.type === 'assistant' && typeof e.message === 'object' && e.message !== null ? e.message.model : undefined;
      // Claude Code writes "<synthetic>" for messages it made up itself (errors, interruptions).
      if (typeof model === 'string' && !model.startsWith('<')) return model;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
