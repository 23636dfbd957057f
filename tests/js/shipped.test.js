'use strict';
// What ships must run on a phone: ES2017 CommonJS scripts and an MVP-only wasm.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const acorn = require('acorn');

const dist = path.resolve(__dirname, '../../miniprogram_dist');
const pkg = require('../../package.json');

test('every shipped .js parses as an ES2017 script (no import/export, ?., ??, optional catch binding)', () => {
  const files = fs.readdirSync(dist).filter((f) => f.endsWith('.js'));
  assert.ok(files.length >= 1, 'expected the bundled js/ in miniprogram_dist');
  for (const file of files) {
    const source = fs.readFileSync(path.join(dist, file), 'utf8');
    assert.doesNotThrow(() => acorn.parse(source, { ecmaVersion: 2017, sourceType: 'script' }),
      `${file} is not an ES2017 script`);
  }
});

test('the ES2017 check rejects the syntax WeChat\'s npm build chokes on', () => {
  for (const source of ['a?.b', 'a ?? b', 'try {} catch {}', 'export const x = 1', 'import x from "y"']) {
    assert.throws(() => acorn.parse(source, { ecmaVersion: 2017, sourceType: 'script' }), source);
  }
});

test('the shipped wasm (only the .wasm.br) validates with every post-MVP feature disabled and imports nothing', () => {
  const zlib = require('zlib');
  const os = require('os');
  const plain = zlib.brotliDecompressSync(fs.readFileSync(path.join(dist, 'mp_login.wasm.br')));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mp-wasm-')), 'mp_login.wasm');
  fs.writeFileSync(file, plain);
  const wasmOpt = path.resolve(__dirname, '../../node_modules/.bin/wasm-opt');
  execFileSync(wasmOpt, ['--mvp-features', file, '-o', '/dev/null'], { stdio: 'pipe' });
  assert.deepEqual(WebAssembly.Module.imports(new WebAssembly.Module(plain)), []);
});

test('package.json points WeChat\'s npm build and Node at miniprogram_dist, which holds only what runs', () => {
  assert.equal(pkg.miniprogram, 'miniprogram_dist');
  assert.equal(pkg.main, 'miniprogram_dist/index.js');
  assert.deepEqual(fs.readdirSync(dist).sort(), ['index.d.ts', 'index.js', 'mp_login.wasm.br'],
    'no plain .wasm, no source maps, no unbundled modules');
});
