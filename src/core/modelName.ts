// The one reading of a model name, so a model an agent hook reports and the same model VS Code reports are recorded
// the same way: models.dev `provider/model`, and only where the provider is certain (PRODUCT.md §3).

const PROVIDERS: readonly (readonly [RegExp, string])[] = [
  [/^claude(-|$)/, 'anthropic'],
  [/^(gpt-|chatgpt-|o[1-9](-|$)|codex(-|$))/, 'openai'],
  [/^gemini-/, 'google'],
  [/^grok-/, 'xai'],
  [/^(mistral|codestral|devstral)-/, 'mistral'],
];
// Vendors that serve other providers' models: their prefix says nothing about the model.
const RESELLERS = new Set(['copilot', 'github', 'vscode', 'cursor', 'windsurf']);
const SEGMENT = /^[A-Za-z0-9._:-]+$/;

/**
 * `provider/model` for a model name, or undefined when the name does not tell the provider ("auto", "default",
 * an in-house name): a guessed provider would put a wrong model into trailers and notes.
 */
export function normalizeModel(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.trim();
  if (name === '' || name.length > 200 || /\s/.test(name)) return undefined;
  let parts = name.split('/');
  while (parts.length > 1 && RESELLERS.has(parts[0].toLowerCase())) parts = parts.slice(1);
  if (!parts.every((p) => SEGMENT.test(p))) return undefined;
  if (parts.length > 1) return [parts[0].toLowerCase(), ...parts.slice(1)].join('/');
  const model = parts[0].toLowerCase();
  const provider = PROVIDERS.find(([re]) => re.test(model))?.[1];
  return provider ? `${provider}/${model}` : undefined;
}
