// An alova request adapter over wx.request. alova's documented adapters cover fetch, XHR, axios,
// uni-app and Taro, none the native wx API, so the benchmark uses this small one.
export function wxRequestAdapter(wx) {
  return (elements, method) => {
    let task;
    // wx.request starts at once, as alova expects of an adapter; response() only hands it over.
    const response = new Promise((resolve, reject) => {
      task = wx.request({
        url: elements.url,
        method: String(elements.type).toUpperCase(),
        header: elements.headers,
        data: elements.data,
        timeout: method.config.timeout || undefined,
        // wx answers every HTTP status through success; deciding on 401 is the interceptor's job.
        success: resolve,
        fail: (err) => reject(new Error(err.errMsg))
      });
    });
    return {
      response: () => response,
      headers: () => response.then((res) => res.header),
      abort: () => task && task.abort()
    };
  };
}
