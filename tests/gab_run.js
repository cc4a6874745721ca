// gab_run.js DIST ACTION_YML WORK NAME TOOL FILE...: github-action-benchmark's own code (src/
// transpiled into DIST), run once per FILE in order as the runner runs the action: every input
// from action.yml's defaults and the step's `with:` (INPUT_* variables), a push event for a new
// commit each time, the history kept in WORK/data.json. Prints each run's output and exits
// with the last run's status (1: the action failed, e.g. on an alert).
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const [dist, actionYml, work, name, tool, ...files] = process.argv.slice(2);
if (!files.length) {
  console.error('usage: gab_run.js DIST ACTION_YML WORK NAME TOOL FILE...');
  process.exit(2);
}
// action.yml's inputs and their defaults (its simple two-level layout).
const inputs = {};
let inInputs = false, cur = null;
for (const line of fs.readFileSync(actionYml, 'utf8').split('\n')) {
  if (/^inputs:/.test(line)) { inInputs = true; continue; }
  if (inInputs && /^\S/.test(line)) inInputs = false;
  if (!inInputs) continue;
  let m = line.match(/^  ([a-z-]+):\s*$/);
  if (m) { cur = m[1]; inputs[cur] = ''; continue; }
  m = line.match(/^    default:\s*(.*)$/);
  if (m && cur) inputs[cur] = m[1].replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
}
const withInputs = {
  name, tool, 'external-data-json-path': path.join(work, 'data.json'),
  'fail-on-alert': 'true', 'comment-on-alert': 'false', 'summary-always': 'false', 'auto-push': 'false',
};
// More of the step's `with:` from GAB_WITH="input=value,input=value".
for (const kv of (process.env.GAB_WITH || '').split(',').filter(Boolean)) {
  const eq = kv.indexOf('=');
  if (eq < 1) { console.error(`GAB_WITH: '${kv}' is not input=value`); process.exit(2); }
  withInputs[kv.slice(0, eq)] = kv.slice(eq + 1);
}
let status = 0;
files.forEach((file, i) => {
  const event = {
    head_commit: {
      id: `${(i + 1).toString(16).padStart(40, '0')}`, message: `run ${i + 1}`, timestamp: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      url: `https://github.com/membench/membench/commit/${i + 1}`,
      author: { name: 'membench', email: 'ci@membench.invalid', username: 'membench' },
      committer: { name: 'membench', email: 'ci@membench.invalid', username: 'membench' },
    },
  };
  const eventPath = path.join(work, `event${i + 1}.json`);
  fs.writeFileSync(eventPath, JSON.stringify(event));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME || work, GITHUB_REPOSITORY: 'membench/membench',
    GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventPath, GITHUB_SHA: event.head_commit.id, GITHUB_REF: 'refs/heads/main',
    GITHUB_SERVER_URL: 'https://github.com', GITHUB_API_URL: 'https://api.github.com', GITHUB_WORKSPACE: work, RUNNER_TEMP: work };
  for (const [k, v] of Object.entries({ ...inputs, ...withInputs, 'output-file-path': path.resolve(file) }))
    env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [path.join(dist, 'index.js')], { env, cwd: work, encoding: 'utf8' });
  process.stdout.write(`--- github-action-benchmark, run ${i + 1}: ${file}\n${r.stdout}${r.stderr}`);
  status = r.status === null ? 1 : r.status;
});
process.exit(status);
