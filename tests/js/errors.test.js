'use strict';
// LoginError is a real Error object: brand checks and other realms see an error, `instanceof`
// holds, and nothing in its definition needs more than ES5, so a transpile cannot break it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const util = require('util');
const acorn = require('acorn');
const { withMiniProgram } = require('../support/app');

test('a LoginError a session rejects with is an Error in its realm and in any other', withMiniProgram(async (mp) => {
  const { sandbox, mpLogin } = mp.app;
  mp.server.knobs.loginStatus = 500;
  const error = await mp.app.createSession().start().catch((e) => e);
  assert.equal(error.code, 'EXCHANGE_FAILED');
  assert.equal(Object.prototype.toString.call(error), '[object Error]', 'seen from another realm');
  assert.equal(sandbox.run('Object.prototype.toString').call(error), '[object Error]', 'seen from its own realm');
  assert.ok(util.types.isNativeError(error), 'a brand check sees an error');
  assert.ok(error instanceof mpLogin.LoginError);
  assert.ok(error instanceof sandbox.run('Error'));
  assert.equal(error.name, 'LoginError');
  assert.match(error.stack, /^LoginError \[EXCHANGE_FAILED\]: token exchange failed/);
  assert.equal(String(error), 'LoginError [EXCHANGE_FAILED]: ' + error.message);
}));

test('new LoginError(code, message) and LoginError(code, message) both make one', withMiniProgram(async (mp) => {
  const { LoginError } = mp.app.mpLogin;
  for (const error of [new LoginError('NETWORK', 'x'), LoginError('NETWORK', 'x')]) {
    assert.ok(error instanceof LoginError);
    assert.ok(util.types.isNativeError(error));
    assert.deepEqual([error.code, error.message], ['NETWORK', 'x']);
  }
}));

test('LoginError is written in ES5: an ES5 transpile has nothing to change in it', () => {
  // The module's import/export lines are the bundler's business; the rest must be ES5.
  const source = fs.readFileSync(path.resolve(__dirname, '../../js/errors.js'), 'utf8')
    .replace(/^(import|export) .*$/gm, '');
  assert.doesNotThrow(() => acorn.parse(source, { ecmaVersion: 5, sourceType: 'script' }));
});
