'use strict';
// The two ways a host installs the package: `npm install ./bindings/node` from the clone's root (it then finds the
// library cargo built), and `npm install --install-links <clone>/bindings/node` from a project elsewhere (a copy,
// with the library named by XERO_LINK_LIBRARY). Both start from a binding folder without node_modules, as a fresh
// clone has it; npm fetches koffi.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BINDING, REPO, targetDir, xero } = require('./helpers');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// A clone as npm sees it: the binding's files (not its node_modules), the header, and the cargo target directory.
function freshClone() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xero-link-node-clone-'));
  fs.cpSync(BINDING, path.join(root, 'bindings', 'node'), {
    recursive: true, filter: (src) => !src.split(path.sep).includes('node_modules'),
  });
  fs.cpSync(path.join(REPO, 'include'), path.join(root, 'include'), { recursive: true });
  fs.symlinkSync(targetDir(), path.join(root, 'target'));
  return root;
}

function run(cwd, env, script) {
  const child = spawnSync(process.execPath, ['-e', script], { cwd, env, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

const probe = "const x = require('xero-link'); console.log(JSON.stringify([x.libraryPath, x.call('version', {}).version]))";

test('npm install ./bindings/node from the clone\'s root finds the library cargo built', () => {
  const root = freshClone();
  try {
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', './bindings/node'],
      { cwd: root, stdio: 'pipe' });
    const env = { ...process.env };
    delete env.XERO_LINK_LIBRARY;
    delete env.CARGO_TARGET_DIR; // the clone's ./target
    const [libraryPath, version] = run(root, env, probe);
    assert.equal(libraryPath, path.join(root, 'target', path.basename(path.dirname(xero.libraryPath)), 'libxero_link.so'));
    assert.equal(version, xero.version());
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('npm install --install-links from another project, the library named by XERO_LINK_LIBRARY', () => {
  const root = freshClone();
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'xero-link-node-app-'));
  try {
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'erp-service', private: true }));
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', '--install-links',
      path.join(root, 'bindings', 'node')], { cwd: app, stdio: 'pipe' });
    assert.ok(fs.existsSync(path.join(app, 'node_modules', 'koffi')), 'koffi installed for the host');
    const [libraryPath, version] = run(app, { ...process.env, XERO_LINK_LIBRARY: xero.libraryPath }, probe);
    assert.equal(libraryPath, xero.libraryPath);
    assert.equal(version, xero.version());
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(app, { recursive: true, force: true });
  }
});
