// wx.login as a promise, shared by both peer setups: a login layer's first step on a 401.
export function wxLogin(wx) {
  return new Promise((resolve, reject) => {
    wx.login({ success: (res) => resolve(res.code), fail: (err) => reject(new Error(err.errMsg)) });
  });
}

export const BASE_URL = 'https://api.example.com';
export const TOKEN_KEY = 'peer:token';
