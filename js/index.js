// mp-login: require('mp-login') in a mini program (after DevTools' "构建 npm"); Node loads it
// through ../node.js, which supplies the WXWebAssembly this build expects.

import { LoginError } from './errors.js';
import { normalize } from './config.js';
import { Session } from './session.js';

// Usable at once (e.g. in App.onLaunch): calls made before the core is loaded wait for it.
function createSession(options) {
  return new Session(normalize(options));
}

module.exports = { createSession: createSession, LoginError: LoginError };
