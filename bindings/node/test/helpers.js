'use strict';
// Test setup: which libxero_link is tested, a xero-sim child process, and connections signed in to it.
//
// From a clone, after `cargo build` or `cargo test` (which build target/debug/libxero_link.so and the xero-sim
// binary), the tests load this tree's package with the workspace's library (CARGO_TARGET_DIR, else ./target; the
// package's own search). XERO_LINK_LIBRARY picks another library; XERO_SIM another simulator binary.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const BINDING = path.resolve(__dirname, '..');
const REPO = path.resolve(BINDING, '..', '..');
const ERP_REDIRECT = 'https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls';
const ORG = 'Huge ERP Test Ltd';
const ALL_FUNCTIONS = ['debtors', 'creditors', 'inventory', 'sales_invoices', 'purchase_invoices', 'credit_notes',
  'payments'];

const xero = require(BINDING);

function targetDir() {
  return process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target');
}

function simulatorBinary() {
  if (process.env.XERO_SIM) return process.env.XERO_SIM;
  const found = ['debug', 'release'].map((p) => path.join(targetDir(), p, 'xero-sim')).filter((f) => fs.existsSync(f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (found.length === 0) {
    throw new Error(`no xero-sim binary under ${targetDir()}: run \`cargo build -p xero-sim\` (or \`cargo test ` +
      '--workspace`) first, or set XERO_SIM');
  }
  return found[0];
}

/**
 * Starts xero-sim as a child on a free port, limits off (the library still paces itself), consent automatic.
 * Resolves to {info, endpoints(), stop()}; the simulator also exits when this process does (stdin closes).
 */
async function startSim() {
  const child = spawn(simulatorBinary(), ['--listen', '127.0.0.1:0', '--no-limits', '--consent', 'auto',
    '--exit-on-stdin-close'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`xero-sim exited (${code}) before it printed its address`)));
  });
  const info = JSON.parse(first);
  return {
    info,
    endpoints() {
      const e = info.endpoints;
      return { authorize: e.authorize, token: e.token, revocation: e.revocation, connections: e.connections,
        accounting: e.accounting };
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function newStateDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `xero-link-node-${tag}-`));
}

/** What the administrator enters in the API setup, pointed at the simulator. */
function config(endpoints, stateDir, patch = {}) {
  return {
    client_id: 'sim-client',
    client_secret: 'sim-secret',
    redirect_uri: ERP_REDIRECT,
    functions: ALL_FUNCTIONS,
    defaults: { sales_account: '200', cos_account: '310', division: 'North', sales_rep: 'Alice Brown' },
    state_dir: stateDir,
    endpoints,
    // The simulator's limits are off; the library's own pacing gets a one-second minute, so a suite of calls to
    // one organisation is never held back.
    limits: { minute_ms: 1000 },
    timeouts: { connect_ms: 2000, request_ms: 10000, default_deadline_ms: 30000 },
    ...patch,
  };
}

/** What the administrator's browser does: opens the consent URL; returns where Xero sends it back. */
async function consent(url) {
  const response = await fetch(url, { redirect: 'manual' });
  assert.equal(response.status, 302, `authorize answered ${response.status}`);
  return response.headers.get('location');
}

/** The "Authenticate sign in" button and the redirect page: authorize URL -> consent -> authenticate. */
async function signIn(conn) {
  const started = conn.authorizeUrl();
  conn.authenticate({ callback_url: await consent(started.url) });
}

let names = 0;

/** A connection configured, signed in and set to the organisation "Huge ERP Test Ltd". */
async function ready(sim, tag = 'ready') {
  names += 1;
  const conn = new xero.Connection(`xero-node-${tag}${names}-${process.pid}`);
  conn.configure(config(sim.endpoints(), newStateDir(tag)));
  await signIn(conn);
  conn.setTenant({ tenant_name: ORG });
  return conn;
}

function invoice(number, debtor = 'D0001', amount = '19.995') {
  return {
    number, type: 'sales', debtor, date: '2026-11-26', due_date: '2026-12-26',
    lines: [{ description: 'Steel beams', quantity: '3', unit_price: amount, tax_code: 'OUTPUT' }],
  };
}

function debtor(code = 'D0001', name = 'Acme Builders Ltd') {
  return { code, role: 'debtor', name, email: 'ap@acme.example' };
}

module.exports = {
  BINDING, REPO, ERP_REDIRECT, ORG, ALL_FUNCTIONS, xero, startSim, newStateDir, config, consent, signIn, ready,
  invoice, debtor, targetDir,
};
