// The first `.ai-provenance.json` the getting-started walkthrough writes: the defaults, spelled out and commented, with
// an example critical rule left as a comment so nothing is blocked until the team says so.
export const STARTER_CONFIG = `// AI Provenance team settings. Commit this file: the editor, the git hooks and \`ai-provenance check\` in CI all
// read it. JSON with comments; VS Code completes and explains every field.
{
  // Paths where AI-written lines need attention. "warn" shows a warning; "block" refuses commits of unreviewed
  // AI lines there until an allowed reviewer signs off (an "AI-Reviewed-by: Name <email>" trailer). Patterns
  // follow .gitignore; when several rules match a file, the last one wins.
  "critical": [
    // { "paths": ["infra/**", "**/*.tf"], "reason": "Production infrastructure", "level": "block", "reviewers": ["jane@example.com"] },
    // { "paths": ["billing/"], "reason": "Money moves here", "level": "warn" }
  ],

  // Trailers added to commits with AI lines: Assisted-by (agent and model), AI-Lines (AI lines / lines added),
  // and, if you want GitHub to show agents as co-authors, Co-authored-by.
  "trailers": { "assistedBy": true, "lineCounts": true, "coAuthoredBy": false },

  // Paths that are never tracked, in .gitignore syntax, e.g. "dist/**".
  "ignore": []
}
`;
