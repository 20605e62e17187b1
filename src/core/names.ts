// File and ref names shared by every part; a module of its own so the hooks can import them without the config parser.

/** The team config at the repository root (§8). */
export const CONFIG_FILE = '.ai-provenance.json';
