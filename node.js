'use strict';
// mp-login in Node (scripts, tests of mini-program code): the mini-program package, given the
// WXWebAssembly it expects, reading the package's own .wasm.br. Mini programs never load this
// file: WeChat's npm build takes the "miniprogram" folder.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const dist = path.join(__dirname, 'miniprogram_dist');
let compiled = null;

if (typeof globalThis.WXWebAssembly === 'undefined') {
  globalThis.WXWebAssembly = {
    instantiate(file) {
      return Promise.resolve().then(() => {
        compiled = compiled || new WebAssembly.Module(zlib.brotliDecompressSync(fs.readFileSync(path.join(dist, path.basename(file)))));
        return WebAssembly.instantiate(compiled, {});
      }).then((instance) => ({ instance, module: compiled }));
    }
  };
}

module.exports = require('./miniprogram_dist/index.js');
