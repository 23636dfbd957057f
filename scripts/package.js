'use strict';
// Assembles miniprogram_dist/: js/ (ES modules) bundled into one minified ES2017 CommonJS file
// (WeChat's npm build copies the folder as is; one scope-hoisted file is smaller than modules
// and loads faster), the optimized wasm as .wasm.br only (WXWebAssembly reads it from base
// library 2.14.0), and the types. No source maps.
// Usage: node scripts/package.js <optimized.wasm> <out-dir>
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const esbuild = require('esbuild');
const terser = require('terser');

const [wasmFile, out] = process.argv.slice(2);
const root = path.resolve(__dirname, '..');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const bundled = esbuild.buildSync({
  entryPoints: [path.join(root, 'js/index.js')],
  write: false,
  bundle: true,
  minify: true,
  format: 'cjs',
  target: 'es2017',
  platform: 'neutral',
  // The session's private members (`_name`) get short names too; `__proto__` is left alone.
  mangleProps: /^_[a-z]/,
  legalComments: 'none',
  logLevel: 'error'
}).outputFiles[0].text;
// esbuild bundles (scope hoisting, cross-module constants); terser's extra passes then shave
// what esbuild's single pass leaves (about 2% of the brotli size).
const wasm = fs.readFileSync(wasmFile);
fs.writeFileSync(path.join(out, 'mp_login.wasm.br'), zlib.brotliCompressSync(wasm, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: wasm.length }
}));
fs.copyFileSync(path.join(root, 'js/index.d.ts'), path.join(out, 'index.d.ts'));
terser.minify(bundled, { ecma: 2017, toplevel: true, compress: { passes: 3 } }).then((result) => {
  fs.writeFileSync(path.join(out, 'index.js'), result.code);
}, (error) => {
  console.error(error);
  process.exitCode = 1;
});
