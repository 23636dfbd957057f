// An axios 1.x adapter over wx.request. axios-miniprogram-adapter (0.3.5) pins axios ^0.19 and
// imports internals that axios 1.x no longer has, so the benchmark uses this small one, built on
// the helpers axios 1.x exports for adapter authors (axios/unsafe/...).
import { AxiosHeaders, AxiosError } from 'axios';
import settle from 'axios/unsafe/core/settle.js';
import buildFullPath from 'axios/unsafe/core/buildFullPath.js';
import buildURL from 'axios/unsafe/helpers/buildURL.js';

export function wxAdapter(wx) {
  return (config) => new Promise((resolve, reject) => {
    let task; // assigned after wx.request returns; a synchronous answer sees undefined
    const url = buildURL(buildFullPath(config.baseURL, config.url, config.allowAbsoluteUrls, config),
      config.params, config.paramsSerializer);
    task = wx.request({
      url,
      method: (config.method || 'get').toUpperCase(),
      header: AxiosHeaders.from(config.headers).toJSON(),
      data: config.data,
      timeout: config.timeout || undefined,
      success: (res) => settle(resolve, reject, {
        data: res.data,
        status: res.statusCode,
        statusText: res.errMsg,
        headers: AxiosHeaders.from(res.header),
        config,
        request: task
      }),
      fail: (err) => reject(new AxiosError(err.errMsg, AxiosError.ERR_NETWORK, config, task))
    });
  });
}
