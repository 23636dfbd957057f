'use strict';
// A mini program without WeChat: runs a mini-program root (app code plus miniprogram_npm/) in
// node:vm with what a device offers (wx, WXWebAssembly, timers, console) and WITHOUT
// WebAssembly, TextEncoder, TextDecoder, fetch, window, self, process, Buffer, eval or
// new Function. require() is confined to the root; bare names resolve in miniprogram_npm/.

const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');

const ABSENT = ['WebAssembly', 'TextEncoder', 'TextDecoder', 'fetch', 'window', 'self', 'process',
  'Buffer', 'require', 'module', 'queueMicrotask', 'URL'];

// A copy of miniprogram_dist laid out as DevTools' "构建 npm" lays it out.
function miniprogramRoot(dist = path.resolve(__dirname, '../miniprogram_dist'), name = 'mp-login') {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-root-'));
  fs.cpSync(dist, path.join(root, 'miniprogram_npm', name), { recursive: true });
  return root;
}

// WXWebAssembly as documented: instantiate(path, imports) with a string path inside the code
// package, .wasm.br from 2.14.0 (`brotli: false` plays 2.13.x); resolves {instance, module}
// (`bareInstance: true` plays the versions that resolve the instance itself).
function wxWebAssembly(root, { brotli = true, bareInstance = false } = {}) {
  const loaded = [];
  const instances = [];
  return {
    loaded,
    instances, // for benchmarks: each instance's linear memory
    instantiate(file, imports) {
      return Promise.resolve().then(() => {
        if (typeof file !== 'string') throw new TypeError('WXWebAssembly.instantiate: the first argument must be a path string');
        if (!/\.wasm(\.br)?$/.test(file)) throw new Error('WXWebAssembly.instantiate: not a .wasm or .wasm.br path: ' + file);
        if (file.endsWith('.br') && !brotli) throw new Error('WXWebAssembly.instantiate: .br needs base library 2.14.0');
        const full = path.join(root, file);
        if (!full.startsWith(root + path.sep) || !fs.existsSync(full)) throw new Error('WXWebAssembly.instantiate: no file ' + file);
        let bytes = fs.readFileSync(full);
        if (file.endsWith('.br')) bytes = zlib.brotliDecompressSync(bytes);
        loaded.push(file);
        return WebAssembly.instantiate(bytes, imports);
      }).then((result) => {
        instances.push(result.instance);
        return bareInstance ? result.instance : result;
      });
    }
  };
}

function createSandbox({ root = miniprogramRoot(), wx, WXWebAssembly, globals = {} } = {}) {
  const wasm = WXWebAssembly === undefined ? wxWebAssembly(root) : WXWebAssembly;
  const base = { wx, setTimeout, clearTimeout, setInterval, clearInterval, console };
  if (wasm) base.WXWebAssembly = wasm;
  const context = vm.createContext(Object.assign(base, globals), { codeGeneration: { strings: false } });
  vm.runInContext('delete globalThis.WebAssembly;', context);
  const present = ABSENT.filter((name) => vm.runInContext(`typeof ${name} !== 'undefined'`, context));
  if (present.length) throw new Error('sandbox leaks ' + present.join(', '));

  const cache = new Map();
  // WeChat's rule (as miniprogram-ci's own analyser resolves): '/x' from the root; any other path
  // relative to the requiring file, with or without './' (WeChat's compiler emits
  // require("@babel/runtime/helpers/x") from root files); then, for a bare name, miniprogram_npm/
  // in the requiring file's directory and in each one above it up to the root.
  function resolveFile(from, request) {
    const bases = [request.startsWith('/') ? path.join(root, request) : path.resolve(from, request)];
    if (!/^\.{0,2}\//.test(request)) {
      for (let dir = from; dir === root || dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
        bases.push(path.join(dir, 'miniprogram_npm', request));
      }
    }
    const candidates = bases.flatMap((base) => [base, base + '.js', path.join(base, 'index.js')]);
    const file = candidates.find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    if (!file) throw new Error(`module "${request}" is not defined (from ${path.relative(root, from) || '/'})`);
    if (!file.startsWith(root + path.sep)) throw new Error(`require outside the mini program: ${request}`);
    return file;
  }
  function load(file) {
    if (cache.has(file)) return cache.get(file).exports;
    const module = { exports: {} };
    cache.set(file, module);
    const source = fs.readFileSync(file, 'utf8');
    const wrapper = vm.runInContext(`(function (require, module, exports) {${source}\n})`, context, { filename: file });
    wrapper.call(module.exports, makeRequire(path.dirname(file)), module, module.exports);
    return module.exports;
  }
  function makeRequire(dir) {
    return (request) => load(resolveFile(dir, String(request)));
  }
  return {
    root,
    context,
    wasm,
    require: makeRequire(root),
    run: (code) => vm.runInContext(code, context)
  };
}

module.exports = { createSandbox, miniprogramRoot, wxWebAssembly };
