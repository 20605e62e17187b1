// Code run from source (mocha with tsx) imports the hooks' .sh files as their text, as the bundles of
// scripts/build.mjs do with esbuild's text loader.
const { readFileSync } = require('node:fs');

require.extensions['.sh'] = (module, filename) => {
  module.exports = readFileSync(filename, 'utf8');
};
