// scripts/build.mjs bundles these files as their text (esbuild's text loader); test/register-text.cjs does the same
// for code run from source.
declare module '*.sh' {
  const text: string;
  export default text;
}
