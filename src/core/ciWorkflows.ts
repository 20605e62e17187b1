// The CI definitions `ai-provenance ci install` writes: they run this exact version of the package through npx.

export const GITHUB_WORKFLOW_FILE = '.github/workflows/ai-provenance.yml';
export const GITLAB_JOB_FILE = '.gitlab/ai-provenance.yml';

export function githubWorkflow(version: string): string {
  return `# Written by \`ai-provenance ci install github\`. When GitHub squashes or rebases a pull request, or rebases its
# branch ("Update branch"), the commits it makes carry no notes: this job carries the AI lines of the pull request's
# notes (refs/notes/ai-provenance) onto them, pushes the notes, and checks the merged commits against
# .ai-provenance.json, counting an approving review by an allowed reviewer as the sign-off.
name: AI Provenance

on:
  pull_request:
    types: [closed, synchronize]

permissions:
  contents: write # push refs/notes/ai-provenance (never forced)
  pull-requests: write # the reviews that count as sign-off, and the report comment

# Runs of one pull request wait for each other; runs of different pull requests join the remote's notes when a
# push is rejected and try again, so none is lost (a shared group would cancel runs still pending).
concurrency:
  group: ai-provenance-notes-\${{ github.event.pull_request.number }}
  cancel-in-progress: false

jobs:
  notes:
    if: github.event.action == 'synchronize' || github.event.pull_request.merged == true
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.base.ref }}
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npx --yes ai-provenance@${version} ci
        env:
          GITHUB_TOKEN: \${{ github.token }}
`;
}

export function gitlabJob(version: string): string {
  return `# Written by \`ai-provenance ci install gitlab\`. Include it from .gitlab-ci.yml:
#
#   include:
#     - local: ${GITLAB_JOB_FILE}
#
# When GitLab squashes a merge request, the squash commit carries no notes: this job carries the AI lines of the
# merge request's notes (refs/notes/ai-provenance) onto it, pushes the notes, and checks the merged commits against
# .ai-provenance.json, counting an approval by an allowed reviewer as the sign-off.
# It needs a project access token with read_api and write_repository in the masked CI/CD variable
# AI_PROVENANCE_GITLAB_TOKEN (CI_JOB_TOKEN can neither read every merge request nor push).
ai-provenance-notes:
  stage: .post
  image: node:20
  rules:
    # Also when an earlier job failed: the merge already happened, and no later pipeline carries this one's squash.
    - if: $CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
      when: always
  # One run at a time: queued runs wait instead of racing on the notes ref.
  resource_group: ai-provenance-notes
  variables:
    GIT_STRATEGY: clone
    GIT_DEPTH: "0"
  script:
    - git remote set-url origin "https://oauth2:\${AI_PROVENANCE_GITLAB_TOKEN}@\${CI_SERVER_HOST}/\${CI_PROJECT_PATH}.git"
    - npx --yes ai-provenance@${version} ci
`;
}
