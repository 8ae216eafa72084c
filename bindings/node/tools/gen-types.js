#!/usr/bin/env node
'use strict';
// Generates lib/types.d.ts (TypeScript declarations of every request and result) from the JSON Schemas in schemas/.
//
// `node bindings/node/tools/gen-types.js` rewrites the file; `--check` exits 1 when the committed file differs from
// what the schemas give (test/types.test.js runs that check). No dependency, so the output depends on the schemas
// alone. The same operations and names as the Python binding's tools/gen_types.py.

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCHEMAS = path.join(ROOT, 'schemas');
const OUT = path.resolve(__dirname, '..', 'lib', 'types.d.ts');

// Operation -> [request schema, result schema]. The others (UNTYPED_OPERATIONS) take and give plain JSON objects.
const OPERATIONS = {
  push_contacts: ['push_contacts.request.json', 'push.response.json'],
  push_items: ['push_items.request.json', 'push.response.json'],
  push_invoice: ['push_invoice.request.json', 'push.response.json'],
  push_invoices: ['push_invoices.request.json', 'push.response.json'],
  push_credit_notes: ['push_credit_notes.request.json', 'push.response.json'],
  push_payments: ['push_payments.request.json', 'push.response.json'],
  get_accounts: ['lookup.request.json', 'get_accounts.response.json'],
  get_tax_rates: ['lookup.request.json', 'get_tax_rates.response.json'],
  get_tracking_categories: ['lookup.request.json', 'get_tracking_categories.response.json'],
  get_documents: ['get_documents.request.json', 'get_documents.response.json'],
};
const UNTYPED_OPERATIONS = [
  'version', 'configure', 'set_log_level', 'authorize_url', 'authenticate', 'connections', 'set_tenant', 'status',
  'disconnect', 'export_state', 'import_state', 'debug_panic',
];

const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);

class Generator {
  constructor() {
    this.defs = new Map(); // name -> rendered declaration ('' while being written: recursion ends there)
    this.sources = new Map(); // name -> canonical JSON of its schema (collision check)
    this.order = [];
  }

  typeOf(schema, defs, hint) {
    if (schema === true || (typeof schema === 'object' && Object.keys(schema).every((k) => k === 'description' || k === 'default'))) {
      return 'unknown';
    }
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop();
      this.define(name, defs[name], defs);
      return name;
    }
    for (const combo of ['anyOf', 'oneOf']) {
      if (schema[combo]) return union(schema[combo].map((s) => this.typeOf(s, defs, hint)));
    }
    if ('const' in schema) return JSON.stringify(schema.const);
    if (schema.enum) return union(schema.enum.map((v) => JSON.stringify(v)));
    const t = schema.type;
    if (Array.isArray(t)) return union(t.map((one) => this.typeOf({ ...schema, type: one }, defs, hint)));
    switch (t) {
      case 'string': return 'string';
      case 'integer': case 'number': return 'number';
      case 'boolean': return 'boolean';
      case 'null': return 'null';
      case 'array': {
        const item = this.typeOf(schema.items === undefined ? true : schema.items, defs, hint);
        return item.includes(' | ') ? `Array<${item}>` : `${item}[]`;
      }
      case 'object':
        if (schema.properties) {
          this.define(hint, schema, defs);
          return hint;
        }
        return '{ [member: string]: unknown }';
      default:
        throw new Error(`unsupported schema at ${hint}: ${JSON.stringify(schema)}`);
    }
  }

  define(name, schema, defs, drop = []) {
    const canonical = JSON.stringify([schema, drop]);
    if (this.sources.has(name)) {
      if (this.sources.get(name) !== canonical) throw new Error(`two different schemas are both named ${name}`);
      return;
    }
    this.sources.set(name, canonical);
    this.defs.set(name, '');
    const doc = comment(schema.description, '');
    if (schema.type !== 'object' || !schema.properties) {
      const { description, ...rest } = schema;
      this.defs.set(name, `${doc}export type ${name} = ${this.typeOf(rest, defs, name)};\n`);
      this.order.push(name);
      return;
    }
    const required = new Set(schema.required || []);
    const lines = [];
    for (const prop of Object.keys(schema.properties).sort()) {
      if (drop.includes(prop)) continue;
      const sub = schema.properties[prop];
      const t = this.typeOf(sub, defs, name + prop.split('_').map(capitalize).join(''));
      lines.push(comment(typeof sub === 'object' ? sub.description : undefined, '  '));
      lines.push(`  ${prop}${required.has(prop) ? '' : '?'}: ${t};\n`);
    }
    this.defs.set(name, `${doc}export interface ${name} {\n${lines.join('')}}\n`);
    this.order.push(name);
  }

  schemaFile(file, drop = [], name = undefined) {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, file), 'utf8'));
    const defs = schema.$defs || {};
    const top = name || schema.title;
    const { $defs, $schema, title, ...rest } = schema;
    this.define(top, rest, defs, drop);
    return top;
  }
}

function union(parts) {
  const seen = [];
  for (const p of parts) for (const q of p.split(' | ')) if (!seen.includes(q)) seen.push(q);
  // null last, as people write it
  return [...seen.filter((p) => p !== 'null'), ...seen.filter((p) => p === 'null')].join(' | ');
}

function comment(text, pad) {
  if (!text) return '';
  const lines = text.split('\n').map((line) => `${pad} * ${line.replace(/\*\//g, '*\\/')}`.trimEnd());
  return `${pad}/**\n${lines.join('\n')}\n${pad} */\n`;
}

// The request's type less `connection`: what a Connection's method takes.
function argumentsName(request) {
  return request.endsWith('Request') ? `${request.slice(0, -'Request'.length)}Arguments` : `${request}Arguments`;
}

function render() {
  const g = new Generator();
  const table = [];
  for (const [op, [req, res]] of Object.entries(OPERATIONS)) {
    const request = g.schemaFile(req);
    const args = g.schemaFile(req, ['connection'], argumentsName(request));
    const result = g.schemaFile(res);
    table.push([op, request, args, result]);
  }
  const out = [
    '// Types of every request and result of xero-link with a published JSON Schema; GENERATED, do not edit.\n',
    "// Made by tools/gen-types.js from the repository's schemas/ directory; test/types.test.js fails when this file\n",
    `// is stale. Operations without a published schema (${UNTYPED_OPERATIONS.join(', ')})\n`,
    '// take and give plain JSON objects.\n',
  ];
  for (const name of g.order) out.push(`\n${g.defs.get(name)}`);
  out.push('\n/** operation -> its request, a Connection method\'s arguments and its result */\n');
  out.push('export interface OperationTypes {\n');
  for (const [op, request, args, result] of table) {
    out.push(`  ${op}: { request: ${request}; arguments: ${args}; result: ${result} };\n`);
  }
  out.push('}\n');
  return out.join('');
}

function main(argv) {
  const text = render();
  if (argv.includes('--check')) {
    const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`${OUT} is stale: run node bindings/node/tools/gen-types.js\n`);
      return 1;
    }
    return 0;
  }
  fs.writeFileSync(OUT, text);
  process.stdout.write(`wrote ${OUT}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
