'use strict';
// `npm install ./bindings/node` into a host's project gives a working package that finds the library cargo built.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BINDING, targetDir } = require('./helpers');

test('npm install of the binding\'s folder, then require from the host\'s project', () => {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'xero-link-node-app-'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'erp-service', private: true }));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', BINDING], { cwd: app, stdio: 'pipe' });
  const env = { ...process.env };
  delete env.XERO_LINK_LIBRARY;
  const run = spawnSync(process.execPath, ['-e',
    "const x = require('xero-link'); console.log(JSON.stringify([x.libraryPath, x.call('version', {}).version]))"],
  { cwd: app, env, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const [libraryPath, version] = JSON.parse(run.stdout);
  assert.ok(libraryPath.startsWith(targetDir() + path.sep), libraryPath);
  assert.match(version, /^\d+\.\d+\.\d+/);
  fs.rmSync(app, { recursive: true, force: true });
});
