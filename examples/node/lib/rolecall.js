// Shared by the examples: loads proto/rolecall/v1/*.proto with @grpc/proto-loader (no generated
// code), builds the service clients and the call metadata, configured like the `rolecall` CLI:
//   ROLECALL_SERVER  host:port (default localhost:50051)
//   ROLECALL_TOKEN   API key, sent as `authorization: Bearer <key>`
//   ROLECALL_TLS_CA  verify the server with this CA (PEM); enables TLS
//   ROLECALL_TLS_CERT, ROLECALL_TLS_KEY  client certificate and key for mutual TLS
//   ROLECALL_TLS=1   TLS with the system's trusted roots
//   ROLECALL_TIMEOUT seconds each call may take (default 60)
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

// The repository's proto/ (override with ROLECALL_PROTO_DIR when the example is copied elsewhere).
const PROTO_DIR = process.env.ROLECALL_PROTO_DIR || path.resolve(__dirname, '../../../proto');
// google/protobuf/timestamp.proto: Debian's libprotobuf-dev puts it under /usr/include;
// proto-loader also ships the well-known types, so a missing directory is fine.
const GOOGLE_PROTO_DIRS = (process.env.ROLECALL_GOOGLE_PROTO_DIRS || '/usr/include')
  .split(':').filter((d) => d && fs.existsSync(path.join(d, 'google/protobuf')));

function loadPackage() {
  const dir = path.join(PROTO_DIR, 'rolecall/v1');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.proto')).sort()
    .map((f) => `rolecall/v1/${f}`);
  const definition = protoLoader.loadSync(files, {
    includeDirs: [PROTO_DIR, ...GOOGLE_PROTO_DIRS],
    keepCase: true,   // field names exactly as in the protos (page_size, next_page_token)
    longs: String,
    enums: String,
    defaults: true,   // absent scalars read as '' / 0 / false, like the other languages' stubs
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).rolecall.v1;
}

function credentials() {
  const read = (name) => (process.env[name] ? fs.readFileSync(process.env[name]) : null);
  const ca = read('ROLECALL_TLS_CA');
  const cert = read('ROLECALL_TLS_CERT');
  const key = read('ROLECALL_TLS_KEY');
  if (ca || cert || key || ['1', 'true', 'yes'].includes((process.env.ROLECALL_TLS || '').toLowerCase())) {
    return grpc.credentials.createSsl(ca, key, cert);
  }
  return grpc.credentials.createInsecure();
}

const rolecall = loadPackage();
const server = process.env.ROLECALL_SERVER || 'localhost:50051';

function client(service) {
  return new rolecall[service](server, credentials());
}

function metadata() {
  const md = new grpc.Metadata();
  if (process.env.ROLECALL_TOKEN) md.set('authorization', `Bearer ${process.env.ROLECALL_TOKEN}`);
  return md;
}

function deadline() {
  return new Date(Date.now() + 1000 * Number(process.env.ROLECALL_TIMEOUT || 60));
}

// Reads a server stream of pages. onPage(page) returns false to stop early: the call is then
// cancelled (the server sees CANCELLED and frees its connection). Resolves with
// {pages, stopped, lastToken}: lastToken is the next_page_token of the last page read.
function readPages(call, onPage) {
  return new Promise((resolve, reject) => {
    let pages = 0;
    let stopped = false;
    let lastToken = '';
    call.on('data', (page) => {
      if (stopped) return;
      pages += 1;
      lastToken = page.next_page_token;
      if (onPage(page) === false) {
        stopped = true;
        call.cancel();
        resolve({ pages, stopped, lastToken });
      }
    });
    call.on('error', (err) => {
      if (stopped && err.code === grpc.status.CANCELLED) return;
      reject(err);
    });
    call.on('end', () => { if (!stopped) resolve({ pages, stopped, lastToken }); });
  });
}

// Minimal --flag value / --flag parsing.
function parseArgs(argv, spec) {
  const out = { ...spec };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '').replace(/-/g, '_');
    if (!argv[i].startsWith('--') || !(name in spec)) usage(`unknown argument ${argv[i]}`);
    if (typeof spec[name] === 'boolean') out[name] = true;
    else if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
    else out[name] = typeof spec[name] === 'number' ? Number(argv[++i]) : argv[++i];
  }
  return out;
}

function usage(message) {
  console.error(`error: ${message}`);
  process.exit(2);
}

// One line, no stack trace, exit code 2 (like the CLI).
function fail(err) {
  const code = err.code !== undefined ? ` (${grpc.status[err.code] || err.code})` : '';
  console.error(`error: ${err.details || err.message}${code}`);
  process.exit(2);
}

module.exports = { rolecall, grpc, client, metadata, deadline, readPages, parseArgs, usage, fail, server };
