// session.on(...): listeners run in order; one that throws does not stop the others nor the
// session, and is reported on the console.

import { LoginError } from './errors.js';

// The order is the wire format: src/core/interface.rs numbers the events by their index here.
var EVENTS = ['state', 'login', 'logout', 'expired', 'error', 'warning'];

function Emitter() {
  this.listeners = {};
}

Emitter.prototype.on = function (event, listener) {
  if (EVENTS.indexOf(event) < 0) {
    throw new LoginError('CONFIG', 'session.on: unknown event "' + event + '" (known: ' + EVENTS.join(', ') + ')');
  }
  if (typeof listener !== 'function') throw new LoginError('CONFIG', 'session.on: the listener must be a function');
  var list = this.listeners[event] || (this.listeners[event] = []);
  list.push(listener);
  return function unsubscribe() {
    var at = list.indexOf(listener);
    if (at >= 0) list.splice(at, 1);
  };
};

Emitter.prototype.emit = function (event, first, second) {
  var list = this.listeners[event];
  if (!list) return;
  list.slice().forEach(function (listener) {
    try {
      listener(first, second);
    } catch (thrown) {
      report(event, thrown);
    }
  });
};

// An error reporter that replaces console.error may throw too: nothing escapes from here.
function report(event, thrown) {
  try {
    if (typeof console !== 'undefined') console.error('[mp-login] a "' + event + '" listener threw:', thrown);
  } catch (ignored) { /* nowhere left to report it */ }
}

export { Emitter, EVENTS };
