// Where the demo server runs and how the client talks to each of its login styles.
// `npm run demo -- --serve` starts the server at API_BASE; ext.json-style config
// (wx.getExtConfigSync) can override both, which is how `npm run demo` points it at a free port.

const API_BASE = 'http://127.0.0.1:3000'
const STYLE = 'bearer'
// The demo server's POST /admin/revoke needs the admin token it prints at start
// (`npm run demo -- --serve`, new on every start); `npm run demo` passes it as ext config.
const ADMIN_TOKEN = ''

// The two-step style's OAuth client credential, as tutorials ship it: base64('mp-login-demo:demo-client-secret').
// (Mini programs have no btoa; a real app would not ship a secret at all.)
const DEMO_CLIENT_BASIC = 'Basic bXAtbG9naW4tZGVtbzpkZW1vLWNsaWVudC1zZWNyZXQ='

function sessionOptions(style, baseUrl) {
  switch (style) {
    case 'bearer':
      return { baseUrl, login: { url: '/login' } }
    case 'header':
      return {
        baseUrl,
        tokenHeader: 'token',
        tokenScheme: '',
        verify: { url: '/verify' },
        isUnauthorized: (res) => !!res.data && res.data.errCode === 40001,
      }
    case 'query':
      return { baseUrl, tokenQuery: 'token' }
    case 'two-step':
      return {
        baseUrl,
        exchange: async (code, request) => {
          const first = await request({ url: '/login', method: 'POST', data: { code } })
          if (first.statusCode !== 200) throw new Error('login step answered ' + first.statusCode)
          const second = await request({
            url: '/oauth/token',
            method: 'POST',
            header: { Authorization: DEMO_CLIENT_BASIC },
            data: { grant_type: 'wechat_ticket', ticket: first.data.ticket },
          })
          if (second.statusCode !== 200) throw new Error('token step answered ' + second.statusCode)
          return { token: second.data.access_token, expiresIn: second.data.expires_in }
        },
      }
    default:
      throw new Error('unknown demo style: ' + style)
  }
}

module.exports = { API_BASE, STYLE, ADMIN_TOKEN, sessionOptions }
