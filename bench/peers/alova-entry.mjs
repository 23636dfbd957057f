// alova 3 as a login layer: server-judged token authentication (a 401 means the token is
// stale), wx.login + POST /login to get a new one, then alova resends the request.
// ESM source so esbuild can tree-shake alova/client (its CommonJS build is one big file);
// the benchmark bundles it to CommonJS exporting createClient.
import { createAlova } from 'alova';
import { createServerTokenAuthentication } from 'alova/client';
import { wxRequestAdapter } from './alova-wx-adapter.mjs';
import { wxLogin, BASE_URL, TOKEN_KEY } from './wx-promise.mjs';

export function createClient(wx) {
  let token = wx.getStorageSync(TOKEN_KEY) || '';
  const { onAuthRequired, onResponseRefreshToken } = createServerTokenAuthentication({
    assignToken(method) {
      if (token) method.config.headers.Authorization = 'Bearer ' + token;
    },
    refreshTokenOnSuccess: {
      isExpired: (response) => response.statusCode === 401,
      async handler() {
        const code = await wxLogin(wx);
        // authRole 'refreshToken' keeps the exchange itself out of the token interceptor.
        const data = await api.Post('/login', { code }, { meta: { authRole: 'refreshToken' } });
        token = data.token;
        wx.setStorageSync(TOKEN_KEY, token);
      }
    }
  });
  const api = createAlova({
    baseURL: BASE_URL,
    requestAdapter: wxRequestAdapter(wx),
    // A login layer caches nothing; alova's default would answer repeated GETs from memory.
    cacheFor: null,
    beforeRequest: onAuthRequired(),
    responded: onResponseRefreshToken((response) => {
      if (response.statusCode >= 400) throw new Error('HTTP ' + response.statusCode);
      return response.data;
    })
  });
  return { request: (url) => api.Get(url).send() };
}
