'use strict';
// mp-login: require('mp-login') in a mini program (after DevTools' "构建 npm"), or
// require('./miniprogram_dist') in Node.

var LoginError = require('./errors.js').LoginError;
var normalize = require('./config.js').normalize;
var Session = require('./session.js').Session;

// Usable at once (e.g. in App.onLaunch): calls made before the core is loaded wait for it.
function createSession(options) {
  return new Session(normalize(options));
}

module.exports = { createSession: createSession, LoginError: LoginError };
