// Maps the model names agents report to the models.dev `provider/model` form, only where the provider is certain.

const PROVIDERS: readonly (readonly [RegExp, string])[] = [
  [/^claude-/, 'anthropic'],
  [/^(gpt-|o[1-9](-|$)|codex-)/, 'openai'],
  [/^gemini-/, 'google'],
  [/^grok-/, 'xai'],
];

/** `provider/model` for a model name, or undefined when the name does not tell the provider (e.g. "auto", "default"). */
export function normalizeModel(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.trim();
  if (name === '' || name.length > 200 || /\s/.test(name)) return undefined;
  if (/^[a-z0-9-]+\/[A-Za-z0-9._:-]+$/.test(name)) return name;
  const lower = name.toLowerCase();
  for (const [re, provider] of PROVIDERS) if (re.test(lower)) return `${provider}/${lower}`;
  return undefined;
}
