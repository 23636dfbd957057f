#!/usr/bin/env bash
# npm run demo [-- --serve] [-- --style bearer|header|query|two-step] [-- --port N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
node scripts/demo-npm.js
exec node miniprogram-demo/story.js "$@"
