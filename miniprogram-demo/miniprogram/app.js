const { createSession } = require('mp-login')
const { API_BASE, STYLE, ADMIN_TOKEN, sessionOptions } = require('./config.js')

App({
  onLaunch() {
    const ext = typeof wx.getExtConfigSync === 'function' ? wx.getExtConfigSync() || {} : {}
    this.globalData = {
      apiBase: ext.apiBase || API_BASE,
      style: ext.style || STYLE,
      adminToken: ext.adminToken || ADMIN_TOKEN,
    }
    // Usable at once: calls made while the wasm loads wait for it.
    this.session = createSession(sessionOptions(this.globalData.style, this.globalData.apiBase))
    this.session.on('warning', (message) => console.warn('[mp-login]', message))
  },
  onShow() {
    // Restores the stored token, checks it once, logs in if needed. Safe on every onShow.
    this.session.start().catch((err) => console.warn('[mp-login] login failed:', err.code, err.message))
  },
})
