// What integration tests import: `import { driver, waitFor, openFile, acceptInlineCompletion } from './harness';`
export { driver, harnessConfig, pressTabInHost, waitFor } from './driver';
export { acceptInlineCompletion, extensionLog, fakeCopilotState, openFile, runCli, setFakeCompletion, workspacePath, type CliResult } from './helpers';
export { EXTENSION_ID, FAKE_COPILOT_ID } from './protocol';
