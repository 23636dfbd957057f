'use strict';
// Just enough of the mini-program framework to run an app's own app.js and page code in the
// sandbox: App(), Page(), getApp(), setData, and the launch/show lifecycle.

function miniProgramRuntime() {
  let app = null;
  const pages = {};
  let registering = null;
  return {
    globals: {
      App(definition) { app = definition; },
      Page(definition) { pages[registering] = definition; },
      getApp() { return app; }
    },
    // Loads each page module (as the framework does at start) after app.js.
    load(sandbox, pagePaths) {
      sandbox.require('/app.js');
      for (const page of pagePaths) {
        registering = page;
        sandbox.require('/' + page + '.js');
      }
      return this;
    },
    launch() {
      if (app.onLaunch) app.onLaunch({ path: Object.keys(pages)[0], query: {} });
      if (app.onShow) app.onShow({});
      return app;
    },
    open(page) {
      const definition = pages[page];
      const instance = Object.create(definition);
      instance.data = JSON.parse(JSON.stringify(definition.data || {}));
      instance.setData = (patch) => Object.assign(instance.data, patch);
      if (instance.onLoad) instance.onLoad({});
      return instance;
    },
    get app() { return app; }
  };
}

module.exports = { miniProgramRuntime };
