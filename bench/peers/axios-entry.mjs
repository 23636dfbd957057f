// axios 1.x + axios-auth-refresh as a login layer: a request interceptor attaches the token, a
// 401 runs wx.login + POST /login, and axios-auth-refresh retries the request once.
// ESM source so that 'axios' and the adapter's axios/unsafe/... imports resolve to the same ESM
// files (a require() would take dist/browser/axios.cjs and bundle axios twice). Bundled to CJS.
import axios from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import { wxAdapter } from './axios-wx-adapter.mjs';
import { wxLogin, BASE_URL, TOKEN_KEY } from './wx-promise.mjs';

export function createClient(wx) {
  let token = wx.getStorageSync(TOKEN_KEY) || '';
  const adapter = wxAdapter(wx);
  const api = axios.create({ baseURL: BASE_URL, adapter });
  // The exchange goes through its own instance: while refreshing, axios-auth-refresh holds every
  // request of `api` until the refresh ends, so an exchange sent through `api` would wait on itself.
  const auth = axios.create({ baseURL: BASE_URL, adapter });
  api.interceptors.request.use((config) => {
    if (token) config.headers.Authorization = 'Bearer ' + token;
    return config;
  });
  createAuthRefresh(api, async () => {
    const code = await wxLogin(wx);
    const { data } = await auth.post('/login', { code });
    token = data.token;
    wx.setStorageSync(TOKEN_KEY, token);
  }, {
    // With the default (true), 5.0.2 fails every 401 that arrives while a refresh runs except the
    // first (axios-auth-refresh issue #307); false still shares one refresh among them.
    deduplicateRefresh: false
  });
  return { request: (url) => api.get(url).then((res) => res.data) };
}
