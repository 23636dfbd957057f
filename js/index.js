'use strict';
// mp-login: require('mp-login') in a mini program (after DevTools' "构建 npm"), or
// require('./miniprogram_dist') in Node.

var LoginError = require('./errors.js').LoginError;
var normalize = require('./config.js').normalize;
var Session = require('./session.js').Session;
var load = require('./loader.js').load;

// Usable at once (e.g. in App.onLaunch): calls made before the wasm is loaded wait for it.
function createSession(options) {
  var config = normalize(options);
  return new Session(config, load(config.wasmPath));
}

module.exports = { createSession: createSession, LoginError: LoginError };
