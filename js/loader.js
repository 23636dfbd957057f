'use strict';
// Loads the wasm once (the glue module holds one instance, so the first path wins): WXWebAssembly (WeChat, string path only; prefers the .br),
// TTWebAssembly (Douyin), or standard WebAssembly from bytes (Node). Resolves to the bindings.

var LoginError = require('./errors.js').LoginError;

var loading = null;

function bindings() {
  return require('./mp_login_bg.js');
}

// `instantiate` resolves to {instance, module} on some versions and to the instance on others.
function start(glue, result) {
  var instance = result.instance || result;
  glue.__wbg_set_wasm(instance.exports);
  if (typeof instance.exports.__wbindgen_start === 'function') instance.exports.__wbindgen_start();
  return glue;
}

function fromPath(runtime, path, imports) {
  // .wasm.br needs base library 2.14.0; 2.13.x falls back to the plain file.
  return runtime.instantiate(path + '.br', imports).catch(function () {
    return runtime.instantiate(path, imports);
  });
}

function nodeBytes() {
  if (typeof __dirname !== 'string' || typeof require !== 'function') return null;
  var fs = 'fs'; // not a literal: mini-program npm builds must not try to bundle it
  return require(fs).readFileSync(__dirname + '/mp_login_bg.wasm');
}

function instantiate(path) {
  var glue = bindings();
  var imports = { './mp_login_bg.js': glue };
  if (typeof WXWebAssembly !== 'undefined') return fromPath(WXWebAssembly, path, imports);
  if (typeof TTWebAssembly !== 'undefined') return fromPath(TTWebAssembly, path, imports);
  var bytes = typeof WebAssembly !== 'undefined' ? nodeBytes() : null;
  if (bytes) return WebAssembly.instantiate(bytes, imports);
  return Promise.reject(new LoginError('UNSUPPORTED', 'mp-login needs WebAssembly: WeChat base library ' +
    '2.13.0 or later (WXWebAssembly), or Node.js; this runtime has neither'));
}

function load(path) {
  if (!loading) loading = instantiate(path).then(function (result) { return start(bindings(), result); });
  return loading;
}

module.exports = { load: load };
