'use strict';
// One mini program under test: the demo's server (the one fake back end) on 127.0.0.1, the fake
// wx over real HTTP, and the built package loaded in the sandbox. `launch()` starts the app
// again on the same storage (a cold start).

const { createDemoServer } = require('../../miniprogram-demo/server/app');
const { WeChatStandIn } = require('../../miniprogram-demo/server/wechat');
const { createFakeWx } = require('../../simulator/fake-wx');
const { createSandbox, miniprogramRoot } = require('../../simulator/sandbox');

// A back end on 127.0.0.1 with its own WeChat stand-in: `style` as the demo server takes it.
async function startBackend({ now = Date.now, style = 'bearer' } = {}) {
  const backend = new WeChatStandIn({ now });
  const server = createDemoServer({ style, standIn: backend, now });
  await server.listen(0);
  return { backend, server };
}

// `now`: one clock for the server, WeChat and (when a test passes it on) the session.
async function miniProgram({ now = Date.now, style } = {}) {
  const { backend, server } = await startBackend({ now, style });
  const storage = new Map();
  const root = miniprogramRoot();
  let current = null;

  function launch(sandboxOptions = {}) {
    const fake = createFakeWx({ backend, storage });
    const sandbox = createSandbox(Object.assign({ root, wx: fake.wx }, sandboxOptions));
    const mpLogin = sandbox.require('mp-login');
    current = { wx: fake.wx, control: fake.control, sandbox, mpLogin };
    // A session for this launch, with the test server as baseUrl unless told otherwise.
    current.createSession = (options = {}) => mpLogin.createSession(Object.assign({ baseUrl: server.url }, options));
    return current;
  }

  launch();
  return {
    backend,
    server,
    storage,
    launch,
    get app() { return current; },
    close: () => server.close()
  };
}

// Runs `scenario(mp)` against a fresh mini program and always shuts its server down.
function withMiniProgram(scenario, options) {
  return async () => {
    const mp = await miniProgram(options);
    try {
      await scenario(mp);
    } finally {
      await mp.close();
    }
  };
}

module.exports = { miniProgram, withMiniProgram, startBackend };
