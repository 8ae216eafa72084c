'use strict';
// The generated declarations match schemas/, and TypeScript (--strict) accepts the package's declarations as a
// host uses them, and refuses a request of the wrong shape.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { BINDING } = require('./helpers');

test('the generated types are fresh', () => {
  const run = spawnSync(process.execPath, [path.join(BINDING, 'tools', 'gen-types.js'), '--check'], { encoding: 'utf8' });
  assert.equal(run.status, 0, `${run.stderr}\n(regenerate: node bindings/node/tools/gen-types.js)`);
});

test('tsc --strict accepts the declarations as used', () => {
  const tsc = path.join(BINDING, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'commonjs',
    '--moduleResolution', 'node10', path.join(BINDING, 'test', 'typecheck.ts')],
  { cwd: BINDING, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});
