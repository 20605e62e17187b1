// Everything the scripts (integration, demo, bench) use outside VS Code; bundled and loaded by scripts/integration.mjs.
export { findTestFiles, bundleTestExtensions } from './bundle';
export { createGitWorkspace, createProfile, freePort, installOurExtension, startCodeServer, stopGroup } from './codeServer';
export { CHROMIUM, CHROMIUM_ARGS, runIntegration } from './run';
