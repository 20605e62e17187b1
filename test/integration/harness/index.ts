// What integration tests import: `import { driver, waitFor, openFile, acceptInlineCompletion } from './harness';`
export { driver, harnessConfig, pressTabInHost, waitFor, waitUntil } from './driver';
export { acceptInlineCompletion, extensionLog, fakeCopilotState, gitCalls, openFile, runCli, setFakeCompletion, workspacePath, type CliResult, type GitCall } from './helpers';
export { EXTENSION_ID, FAKE_COPILOT_ID, GIT_PROBE_ENV } from './protocol';
