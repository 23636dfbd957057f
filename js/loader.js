// Loads one instance of the login core for one session through the platform's wasm runtime,
// which takes a path inside the code package: WXWebAssembly (WeChat) or TTWebAssembly (Douyin).
// Only the brotli file ships: WXWebAssembly reads .wasm.br from base library 2.14.0 (December
// 2020). The module imports nothing. Node gets a WXWebAssembly from the package's node.js.

import { LoginError, messageOf } from './errors.js';

const LOAD_LIMIT_MS = 10000; // an instantiate that never settles must not hang every call

const unsupported = (detail) => new LoginError('UNSUPPORTED', 'mp-login could not load its core: ' + detail);

// -> Promise of the exports of a new instance.
export function load(path) {
  const runtime = typeof WXWebAssembly !== 'undefined' ? WXWebAssembly
    : typeof TTWebAssembly !== 'undefined' ? TTWebAssembly : null;
  if (!runtime) return Promise.reject(unsupported('no WXWebAssembly (WeChat base library 2.14.0+) or TTWebAssembly'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(unsupported('instantiate did not finish within ' + LOAD_LIMIT_MS + ' ms')), LOAD_LIMIT_MS);
    const fail = (error) => {
      clearTimeout(timer);
      reject(unsupported('could not load ' + path + ' (base library 2.14.0+ reads .wasm.br): ' + messageOf(error)));
    };
    try {
      Promise.resolve(runtime.instantiate(path, {})).then((result) => {
        clearTimeout(timer);
        // `instantiate` resolves to {instance, module} on some versions and to the instance on others.
        resolve((result.instance || result).exports);
      }, fail);
    } catch (thrown) {
      fail(thrown);
    }
  });
}
