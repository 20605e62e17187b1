import type { Command } from '../command';

// Placeholder until the command lands.
export const command: Command = {
  help: 'ai-provenance check: not available yet\n',
  async run(_args, io) {
    io.stderr.write('ai-provenance check: not available yet\n');
    return 2;
  },
};
