'use strict';
// Lays out miniprogram_dist the way WeChat DevTools' "构建 npm" does for the demo:
// miniprogram-demo/miniprogram/miniprogram_npm/mp-login/.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const target = path.join(root, 'miniprogram-demo/miniprogram/miniprogram_npm/mp-login');
fs.rmSync(target, { recursive: true, force: true });
fs.cpSync(path.join(root, 'miniprogram_dist'), target, { recursive: true });
