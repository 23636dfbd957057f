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
  assert.ok(files.length >= 5, 'expected the glue and js/ in miniprogram_dist');
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

test('the shipped wasm validates with every post-MVP feature disabled', () => {
  const wasmOpt = path.resolve(__dirname, '../../node_modules/.bin/wasm-opt');
  execFileSync(wasmOpt, ['--mvp-features', path.join(dist, 'mp_login_bg.wasm'), '-o', '/dev/null'], { stdio: 'pipe' });
});

test('the .wasm.br is the .wasm, compressed', () => {
  const zlib = require('zlib');
  const plain = fs.readFileSync(path.join(dist, 'mp_login_bg.wasm'));
  const br = fs.readFileSync(path.join(dist, 'mp_login_bg.wasm.br'));
  assert.ok(zlib.brotliDecompressSync(br).equals(plain));
});

test('package.json points WeChat\'s npm build and Node at miniprogram_dist', () => {
  assert.equal(pkg.miniprogram, 'miniprogram_dist');
  assert.equal(pkg.main, 'miniprogram_dist/index.js');
  for (const file of ['index.js', 'index.d.ts', 'mp_login_bg.js', 'mp_login_bg.wasm', 'mp_login_bg.wasm.br']) {
    assert.ok(fs.existsSync(path.join(dist, file)), `${file} is missing from miniprogram_dist`);
  }
});
