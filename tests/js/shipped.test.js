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

test('package.json points WeChat\'s npm build at miniprogram_dist, which holds only what runs, and Node at node.js', () => {
  assert.equal(pkg.miniprogram, 'miniprogram_dist');
  assert.equal(pkg.main, 'node.js');
  assert.deepEqual(pkg.files.sort(), ['CHANGELOG.md', 'miniprogram_dist', 'node.js']);
  assert.deepEqual(fs.readdirSync(dist).sort(), ['index.d.ts', 'index.js', 'mp_login.wasm.br'],
    'no plain .wasm, no source maps, no unbundled modules');
});

test('in Node, the package main gives the mini-program build a WXWebAssembly reading its own .wasm.br', () => {
  const script = `
    const { createSession } = require(${JSON.stringify(path.resolve(__dirname, '../..'))});
    const store = new Map();
    const wx = {
      login: (o) => setTimeout(() => o.success({ code: 'c1' })),
      request: (o) => setTimeout(() => o.success(/login$/.test(o.url) ? { statusCode: 200, data: { token: 'node-token', expires_in: 60 } }
        : { statusCode: 200, data: { auth: o.header.Authorization } })),
      getStorageSync: (k) => store.has(k) ? store.get(k) : '', setStorageSync: (k, v) => store.set(k, v), removeStorageSync: (k) => store.delete(k)
    };
    createSession({ baseUrl: 'https://api.example.com', platform: wx }).request({ url: '/me' })
      .then((res) => console.log(res.data.auth), (err) => { console.log('failed', err.code, err.message); process.exitCode = 1; });`;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(out.trim(), 'Bearer node-token');
});

test('what ships has no Node-only code: no require of Node modules, no __dirname', () => {
  const source = fs.readFileSync(path.join(dist, 'index.js'), 'utf8');
  assert.doesNotMatch(source, /require\(|__dirname|typeof require/);
});
