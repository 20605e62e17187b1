// The first `.ai-provenance.json` the getting-started walkthrough writes: the defaults, spelled out and commented, with
// an example critical rule left as a comment so nothing is blocked until the team says so.
export const STARTER_CONFIG = `// AI Provenance team settings. Commit this file: the editor, the git hooks and \`ai-provenance check\` in CI all
// read it. JSON with comments; VS Code completes and explains every field.
{
  // Paths where AI-written lines need attention. "warn" shows a warning; "block" refuses commits of unreviewed
  // AI lines there until an allowed reviewer signs off (an "AI-Reviewed-by: Name <email>" trailer). Patterns
  // follow .gitignore; when several rules match a file, the last one wins. "agents": "ask" or "deny" also asks or
  // stops coding agents (Claude Code, Codex, Gemini CLI, Copilot, Cursor, Kiro CLI) before they edit there.
  "critical": [
    // { "paths": ["infra/**", "**/*.tf"], "reason": "Production infrastructure", "level": "block", "reviewers": ["jane@example.com"], "agents": "ask" },
    // { "paths": ["billing/"], "reason": "Money moves here", "level": "warn" }
  ],

  // Shell commands agents are asked about ("ask") or stopped from running ("deny"), matched word by word.
  "commands": [
    // { "match": ["terraform destroy", "kubectl delete", "git push --force"], "reason": "Destroys shared state", "agents": "deny" }
  ],

  // Trailers added to commits with AI lines: Assisted-by (agent and model), AI-Lines (AI lines / lines added),
  // and, if you want GitHub to show agents as co-authors, Co-authored-by.
  "trailers": { "assistedBy": true, "lineCounts": true, "coAuthoredBy": false },

  // Paths that are never tracked, in .gitignore syntax, e.g. "dist/**".
  "ignore": []
}
`;
