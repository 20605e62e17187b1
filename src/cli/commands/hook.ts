import type { Command } from '../command';

// Placeholder until the command lands.
export const command: Command = {
  help: 'ai-provenance hook: not available yet\n',
  async run(_args, io) {
    io.stderr.write('ai-provenance hook: not available yet\n');
    return 2;
  },
};
