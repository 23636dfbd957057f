const app = getApp()

function clock(ms) {
  if (!ms) return '—'
  const d = new Date(ms)
  const pad = (n) => (n < 10 ? '0' : '') + n
  return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds())
}

Page({
  data: { state: 'no-token', expiresAt: '—', log: [] },

  onLoad() {
    const session = app.session
    this.unsubscribe = [
      session.on('state', (state) => this.setData({ state, expiresAt: clock(session.expiresAt) })),
      session.on('error', (err) => this.note('error ' + err.code + ': ' + err.message)),
    ]
    this.setData({ state: session.state, expiresAt: clock(session.expiresAt) })
  },

  onUnload() {
    this.unsubscribe.forEach((off) => off())
  },

  // Each action returns its promise, so a script (npm run demo) can wait for it.
  callApi() {
    return app.session.request({ url: '/api/profile' }).then(
      (res) => this.note('GET /api/profile → ' + res.statusCode),
      (err) => this.note('GET /api/profile failed: ' + err.code))
  },

  callTen() {
    const calls = Array.from({ length: 10 }, () => app.session.request({ url: '/api/profile' }))
    return Promise.all(calls).then(
      (all) => this.note('10 × GET /api/profile → ' + all.map((res) => res.statusCode).join(' ')),
      (err) => this.note('10 × GET /api/profile failed: ' + err.code))
  },

  revoke() {
    // The demo server's admin action: sent without the user's token on purpose, with the admin
    // token the server printed at start (config.js ADMIN_TOKEN, or ext config under npm run demo).
    return app.session.request({
      url: '/admin/revoke',
      method: 'POST',
      auth: false,
      header: { 'X-Admin-Token': app.globalData.adminToken },
    }).then(
      (res) => this.note(res.statusCode === 200
        ? 'server: every token revoked'
        : 'revoke refused: ' + res.statusCode + ' (set ADMIN_TOKEN in config.js)'),
      (err) => this.note('revoke failed: ' + err.code))
  },

  logout() {
    return app.session.logout().then(() => this.note('logged out'))
  },

  note(line) {
    this.setData({ log: [line].concat(this.data.log).slice(0, 20) })
  },
})
