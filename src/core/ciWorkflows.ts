// The CI definitions `ai-provenance ci install` writes: they run this exact version of the package through npx.

export const GITHUB_WORKFLOW_FILE = '.github/workflows/ai-provenance.yml';
export const GITLAB_JOB_FILE = '.gitlab/ai-provenance.yml';

/** The steps of a job that runs `ai-provenance ci` on the target branch's checkout with the full history. */
function githubSteps(version: string): string {
  return `    runs-on: ubuntu-latest
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

export function githubWorkflow(version: string): string {
  return `# Written by \`ai-provenance ci install github\`. When GitHub squashes or rebases a pull request, or rebases its
# branch ("Update branch"), the commits it makes carry no notes: the notes job carries the AI lines of the pull
# request's notes (refs/notes/ai-provenance) onto them and pushes the notes. Both jobs check the pull request against
# .ai-provenance.json (an approving review by an allowed reviewer counts as the sign-off) and keep the report in the
# job summary and one pull request comment.
name: AI Provenance

on:
  pull_request:
    types: [opened, reopened, synchronize, closed]
  pull_request_review:
    types: [submitted, dismissed]

permissions:
  contents: write # push refs/notes/ai-provenance (never forced)
  pull-requests: write # the reviews that count as sign-off, and the report comment

# No concurrency group for the notes job, on purpose. GitHub keeps at most one pending run per group and cancels it
# when a newer one queues, even with cancel-in-progress: false, so a group would silently drop a run that carries
# notes (an "Update branch" rebase followed by two quick pushes: the rebase's run is cancelled while pending, and its
# notes are never carried). Every carrying run therefore runs; two of them pushing at once cannot lose notes: a
# rejected push fetches the remote's notes, joins them record by record and tries again.
# Should a pull request be merged while the run of its "Update branch" rebase is still carrying, the merge's run may
# find the rebased commits without notes yet (it says so in its log): re-run it, carrying twice joins, never duplicates.
jobs:
  notes:
    if: github.event_name == 'pull_request' && (github.event.action == 'synchronize' || github.event.pull_request.merged == true)
${githubSteps(version)}
  # Report-only runs carry nothing, so a newer one may cancel an older one: the newest report is the one that counts.
  report:
    if: (github.event_name == 'pull_request' && (github.event.action == 'opened' || github.event.action == 'reopened')) || (github.event_name == 'pull_request_review' && github.event.pull_request.state == 'open')
    concurrency:
      group: ai-provenance-report-\${{ github.event.pull_request.number }}
      cancel-in-progress: true
${githubSteps(version)}`;
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
  # One run at a time. Unlike a GitHub concurrency group, a resource group cancels no job that waits for it: every
  # waiting job runs in turn, so no carrying run is dropped.
  resource_group: ai-provenance-notes
  # A newer pipeline on the default branch does not cancel this job once it started ("auto-cancel redundant
  # pipelines"). One cancelled before any of its jobs started leaves its merge uncarried: retry this job from that
  # pipeline's page, or set workflow:auto_cancel:on_new_commit to none in .gitlab-ci.yml.
  interruptible: false
  variables:
    GIT_STRATEGY: clone
    GIT_DEPTH: "0"
  script:
    - git remote set-url origin "https://oauth2:\${AI_PROVENANCE_GITLAB_TOKEN}@\${CI_SERVER_HOST}/\${CI_PROJECT_PATH}.git"
    - npx --yes ai-provenance@${version} ci

# The report of an open merge request, as one note updated in place. It carries nothing, so a newer pipeline of the
# merge request may cancel it.
ai-provenance-report:
  stage: .post
  image: node:20
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
      when: always
  interruptible: true
  variables:
    GIT_STRATEGY: clone
    GIT_DEPTH: "0"
  script:
    - npx --yes ai-provenance@${version} ci --no-push
`;
}
