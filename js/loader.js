// Loads one instance of the login core for one session: through WXWebAssembly (WeChat) or
// TTWebAssembly (Douyin), which take a path inside the code package, or from bytes where a
// standard WebAssembly exists (Node). Only the brotli file ships: WXWebAssembly reads .wasm.br
// from base library 2.14.0 (December 2020). The module imports nothing.

import * as errors from './errors.js';
var LoginError = errors.LoginError;

var LOAD_LIMIT_MS = 10000; // an instantiate that never settles must not hang every call
var nodeModule = null;

function unsupported(detail) {
  return new LoginError('UNSUPPORTED', 'mp-login could not load its core: ' + detail);
}

// Settles with `start()`'s outcome, a synchronous throw included, or fails after the limit.
function bounded(start, what) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(unsupported(what + ' did not finish within ' + LOAD_LIMIT_MS + ' ms'));
    }, LOAD_LIMIT_MS);
    var finish = function (settle) {
      return function (value) { clearTimeout(timer); settle(value); };
    };
    try {
      Promise.resolve(start()).then(finish(resolve), finish(reject));
    } catch (thrown) {
      finish(reject)(thrown);
    }
  });
}

function fromPath(runtime, name, path) {
  return bounded(function () { return runtime.instantiate(path, {}); }, name + '.instantiate').then(
    // `instantiate` resolves to {instance, module} on some versions and to the instance on others.
    function (result) { return (result.instance || result).exports; },
    function (error) {
      if (error instanceof LoginError) throw error;
      throw unsupported(name + ' failed to load ' + path + ' (WeChat needs base library 2.14.0 or later ' +
        'for .wasm.br): ' + errors.messageOf(error));
    });
}

// Node: the package read from disk, compiled once, one instance per session.
function fromNode(path) {
  if (!nodeModule) {
    var fs = 'fs'; // not literals: mini-program npm builds must not try to bundle them
    var zlib = 'zlib';
    var file = __dirname + '/' + path.slice(path.lastIndexOf('/') + 1);
    nodeModule = new WebAssembly.Module(require(zlib).brotliDecompressSync(require(fs).readFileSync(file)));
  }
  return Promise.resolve(new WebAssembly.Instance(nodeModule, {}).exports);
}

// -> Promise of the exports of a new instance.
function load(path) {
  if (typeof WXWebAssembly !== 'undefined') return fromPath(WXWebAssembly, 'WXWebAssembly', path);
  if (typeof TTWebAssembly !== 'undefined') return fromPath(TTWebAssembly, 'TTWebAssembly', path);
  if (typeof WebAssembly !== 'undefined' && typeof __dirname === 'string' && typeof require === 'function') {
    try {
      return fromNode(path);
    } catch (thrown) {
      return Promise.reject(unsupported(errors.messageOf(thrown)));
    }
  }
  return Promise.reject(unsupported('it needs WebAssembly: WeChat base library 2.14.0 or later ' +
    '(WXWebAssembly), Douyin (TTWebAssembly), or Node.js; this runtime has none'));
}

export { load };
