// Driver of bench/compare.sh: sets up the same data shapes in Medbase (through the gateway, JWT) and Parse Server
// (REST, session token), seeds them, runs each workload with autocannon for both, samples CPU and memory of every
// server process, checks every workload's answers once before timing it, and writes report.md, results.json and SVG
// charts. All settings come from environment variables set by compare.sh (see there).
import autocannon from 'autocannon';
import hdr from 'hdr-histogram-js';
import { MongoClient, ObjectId } from 'mongodb';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const cfg = {
  gateway: env.GATEWAY_URL,
  parse: env.PARSE_URL,
  mongo: env.MONGO_URL,
  clientId: env.MEDBASE_CLIENT_ID || 'medbase-devstack',
  clientSecret: env.MEDBASE_CLIENT_SECRET || 'medbase-devstack-secret',
  adminEmail: env.MEDBASE_ADMIN_EMAIL || 'admin@medbase.local',
  adminPassword: env.MEDBASE_ADMIN_PASSWORD || 'Medbase-admin-1',
  parseAppId: env.PARSE_APP_ID,
  parseMasterKey: env.PARSE_MASTER_KEY,
  docs: Number(env.BENCH_DOCS || 100000),
  users: Number(env.BENCH_USERS || 10000),
  seconds: Number(env.BENCH_SECONDS || 20),
  // Untimed seconds of each workload first. Document creates after 15 s ran at 367-380/s, after 60 s at 999-1,100/s:
  // creates pass through five JVMs (gateway, data-service, the relay, Kafka, event-service) that share 2 cores with
  // their JIT compilers, and 15 s left most of that compilation inside the timed run.
  warmup: Number(env.BENCH_WARMUP || 60),
  maxRequests: Number(env.BENCH_MAX_REQUESTS || 200000),
  concurrency: Number(env.BENCH_CONCURRENCY || 16),
  mixed: (env.BENCH_MIXED || '1,16,64').split(',').map(Number),
  only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',') : null,
  out: env.BENCH_OUT,
  medbasePidFile: env.MEDBASE_PID_FILE,
  parsePid: Number(env.PARSE_PID),
  jvmOpts: env.MEDBASE_JVM_OPTS || '(devstack default)',
  clkTck: Number(env.CLK_TCK || 100),
};
const SCHEMA = 'bench_measurement';
const PARSE_CLASS = 'Measurement';
const PASSWORD = 'Bench-pass-1x';
const POSTURES = ['sitting', 'standing', 'lying'];
const devices = Math.max(1, Math.round(cfg.docs / 100)); // ~100 documents per device: sort + limit 20 has work to do
const lastNames = Math.max(1, Math.round(cfg.users / 100)); // ~100 users per last name
// the last name the correctness checks list (there are fewer than four names when BENCH_USERS < 400)
const probeName = `Bench${String(Math.min(3, lastNames - 1)).padStart(4, '0')}`;

const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);
const rnd = (n) => Math.floor(Math.random() * n);
// Updates walk the documents in turn from a random start, so no two requests in flight change the same document:
// Medbase, like Extra Horizon, answers a change of a document another change holds with 415 (locked), which would
// make the workload measure collisions of random picks rather than updates.
let updateCursor = rnd(1e9);
const nextId = (ids) => ids[updateCursor++ % ids.length];
const device = (i) => `device-${String(i).padStart(5, '0')}`;
const parseId = () => crypto.randomBytes(8).toString('base64url').replace(/[-_]/g, 'x').slice(0, 10);

function measurement(i = rnd(1e9)) {
  const t = new Date(Date.UTC(2026, 0, 1) + (i % 86400) * 60000 + rnd(60000));
  return {
    deviceId: device(i % devices), takenAt: t.toISOString(), systolic: 90 + rnd(80), diastolic: 50 + rnd(50),
    heartRate: 40 + rnd(120), temperature: 35 + rnd(50) / 10, spo2: 85 + rnd(15), posture: POSTURES[i % 3],
    irregular: i % 7 === 0, note: `bench ${i}`,
  };
}
const parseBody = (m) => ({ ...m, takenAt: { __type: 'Date', iso: m.takenAt } });

async function http(method, url, body, headers = {}) {
  const r = await fetch(url, {
    method, headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
  if (!r.ok) throw new Error(`${method} ${url} -> ${r.status} ${text.slice(0, 300)}`);
  return json;
}
function check(cond, what) { if (!cond) throw new Error(`check failed: ${what}`); }

// ---- Medbase ----
const medbase = {
  name: 'Medbase',
  createdField: 'creationTimestamp', // of a stored document
  async login() {
    const t = await http('POST', `${cfg.gateway}/auth/v2/oauth2/tokens`, this.loginBody);
    this.headers = { authorization: `Bearer ${t.access_token}`, 'content-type': 'application/json' };
  },
  loginBody: { grant_type: 'password', client_id: cfg.clientId, client_secret: cfg.clientSecret,
    username: cfg.adminEmail, password: cfg.adminPassword },
  async setup() {
    await this.login();
    const num = (minimum, maximum) => ({ type: 'number', minimum, maximum });
    await http('POST', `${cfg.gateway}/data/v1/`, {
      name: SCHEMA, description: 'bench: 10-field measurement',
      createMode: 'allUsers', readMode: ['linkedUsers'], updateMode: ['linkedUsers'], deleteMode: ['linkedUsers'],
      defaultLimit: 20, maximumLimit: 100,
    }, this.headers);
    const props = {
      deviceId: { type: 'string', minLength: 1, maxLength: 40 }, takenAt: { type: 'string', format: 'date-time' },
      systolic: num(0, 300), diastolic: num(0, 300), heartRate: num(0, 300), temperature: num(25, 45),
      spo2: num(0, 100), posture: { type: 'string', enum: POSTURES }, irregular: { type: 'boolean' },
      note: { type: 'string', maxLength: 200 },
    };
    for (const [name, configuration] of Object.entries(props)) {
      await http('POST', `${cfg.gateway}/data/v1/${SCHEMA}/properties`, { name, configuration }, this.headers);
    }
    // One creation action (issue #6): link the creator, so the linkedUsers modes let it read and update.
    await http('PUT', `${cfg.gateway}/data/v1/${SCHEMA}/creationTransition`,
      { type: 'manual', toStatus: 'new', actions: [{ type: 'linkCreator' }] }, this.headers);
    await http('POST', `${cfg.gateway}/data/v1/${SCHEMA}/indexes`,
      { fields: [{ name: 'data.deviceId', type: 'asc' }, { name: 'data.takenAt', type: 'desc' }] }, this.headers);
    const bad = await fetch(`${cfg.gateway}/data/v1/${SCHEMA}/documents`, { method: 'POST', headers: this.headers,
      body: JSON.stringify({ ...measurement(1), systolic: 'high' }) });
    check(bad.status === 400, `Medbase rejects an invalid measurement (got ${bad.status})`);
    const template = await http('POST', `${cfg.gateway}/data/v1/${SCHEMA}/documents`, measurement(0), this.headers);
    check(template.userIds?.length === 1, 'linkCreator ran');
    const db = mongo.db('medbase-data');
    const collection = await findCollectionWith(db, { _id: new ObjectId(template.id) });
    const raw = await db.collection(collection).findOne({ _id: new ObjectId(template.id) });
    return { collection, raw };
  },
  // Clones of an API-made document in the service's own storage format, with fresh ids and data.
  seedDocs({ collection, raw }, n) {
    const ids = [];
    return { ids, collection: mongo.db('medbase-data').collection(collection), make: (i) => {
      const id = new ObjectId();
      ids.push(id.toHexString());
      return { ...raw, _id: id, data: measurement(i) };
    } };
  },
  async registerTemplateUser() {
    const email = 'bench-template@bench.local';
    await http('POST', `${cfg.gateway}/users/v1/register`, { first_name: 'Bench', last_name: 'Template',
      email, password: PASSWORD, phone_number: '+3212345678', language: 'EN' });
    const coll = mongo.db('medbase-users').collection('users');
    const raw = await coll.findOne({ $or: [{ email }, { email_lower: email }, { emailLower: email }] })
      ?? await findByValue(coll, email);
    check(raw, 'registered user found in medbase-users.users');
    return { coll, make: (i) => ({ ...replaceStrings(raw, { [email]: `bench-${i}@bench.local`,
      Template: `Bench${String(i % lastNames).padStart(4, '0')}` }), _id: new ObjectId() }) };
  },
  requests(ids) {
    const base = `/data/v1/${SCHEMA}/documents`;
    const q = (d) => `${base}?eq(data.deviceId,${d})&sort(-data.takenAt)&limit(20)`;
    return {
      login: { method: 'POST', path: '/auth/v2/oauth2/tokens', body: JSON.stringify(this.loginBody), auth: false },
      create: { method: 'POST', path: base, dynamic: () => ({ body: JSON.stringify(measurement()) }) },
      query: { method: 'GET', dynamic: () => ({ path: q(device(rnd(devices))) }) },
      count: { method: 'GET', dynamic: () => ({ path: `${base}?eq(data.deviceId,${device(rnd(devices))})&limit(1)` }) },
      update: { method: 'PUT', dynamic: () => ({ path: `${base}/${nextId(ids)}`,
        body: JSON.stringify({ heartRate: 40 + rnd(120), note: `updated ${rnd(1e6)}` }) }) },
      me: { method: 'GET', path: '/users/v1/me' },
      users: { method: 'GET', dynamic: () => ({
        path: `/users/v1/?eq(last_name,Bench${String(rnd(lastNames)).padStart(4, '0')})&limit(20)` }) },
    };
  },
  // What a correct answer looks like, checked once per workload before it is timed.
  async verify(reqs, expectedPerDevice) {
    const get = (p) => http('GET', cfg.gateway + p, undefined, this.headers);
    const d = device(3);
    const page = await get(`/data/v1/${SCHEMA}/documents?eq(data.deviceId,${d})&sort(-data.takenAt)&limit(20)`);
    check(page.data.length === Math.min(20, expectedPerDevice(3)), `Medbase query returns 20 (${page.data.length})`);
    check(page.data.every((x, i) => x.data.deviceId === d && (i === 0 || page.data[i - 1].data.takenAt >= x.data.takenAt)),
      'Medbase query filtered and sorted');
    const count = await get(`/data/v1/${SCHEMA}/documents?eq(data.deviceId,${d})&limit(1)`);
    check(count.page.total === expectedPerDevice(3), `Medbase count ${count.page.total} = ${expectedPerDevice(3)}`);
    const users = await get(`/users/v1/?eq(last_name,${probeName})&limit(20)`);
    check(users.data.length === 20 && users.data.every((u) => u.last_name === probeName), 'Medbase users filter');
    check((await get('/users/v1/me')).email === cfg.adminEmail, 'Medbase /me');
  },
};

// ---- Parse Server ----
const parse = {
  name: 'Parse',
  createdField: '_created_at',
  base: { 'x-parse-application-id': cfg.parseAppId, 'content-type': 'application/json' },
  get master() { return { ...this.base, 'x-parse-master-key': cfg.parseMasterKey }; },
  async login() {
    const s = await http('POST', `${cfg.parse}/login`, this.loginBody, this.base);
    this.headers = { ...this.base, 'x-parse-session-token': s.sessionToken };
  },
  loginBody: { username: 'bench@bench.local', password: PASSWORD },
  async setup() {
    await http('POST', `${cfg.parse}/users`, { username: 'bench@bench.local', email: 'bench@bench.local',
      password: PASSWORD, lastName: 'Bench' }, this.base);
    await this.login();
    // A class with the 10 typed fields (Parse checks types and required fields; it has no ranges or enums), no
    // client may add fields, and the same compound index as Medbase's.
    const fields = { deviceId: { type: 'String', required: true }, takenAt: { type: 'Date', required: true } };
    for (const f of ['systolic', 'diastolic', 'heartRate', 'temperature', 'spo2']) fields[f] = { type: 'Number' };
    Object.assign(fields, { posture: { type: 'String' }, irregular: { type: 'Boolean' }, note: { type: 'String' } });
    const all = { '*': true };
    await http('POST', `${cfg.parse}/schemas/${PARSE_CLASS}`, { className: PARSE_CLASS, fields,
      indexes: { deviceId_takenAt: { deviceId: 1, takenAt: -1 } },
      classLevelPermissions: { find: all, count: all, get: all, create: all, update: all, delete: all, addField: {},
        protectedFields: {} } }, this.master);
    const bad = await fetch(`${cfg.parse}/classes/${PARSE_CLASS}`, { method: 'POST', headers: this.headers,
      body: JSON.stringify({ ...parseBody(measurement(1)), systolic: 'high' }) });
    check(bad.status === 400, `Parse rejects an invalid measurement (got ${bad.status})`);
    const created = await http('POST', `${cfg.parse}/classes/${PARSE_CLASS}`, parseBody(measurement(0)), this.headers);
    const coll = mongo.db('parse').collection(PARSE_CLASS);
    const raw = await coll.findOne({ _id: created.objectId });
    check(raw, 'Parse object found in parse.Measurement');
    return { raw };
  },
  seedDocs({ raw }, n) {
    const ids = [];
    return { ids, collection: mongo.db('parse').collection(PARSE_CLASS), make: (i) => {
      const id = parseId();
      ids.push(id);
      const m = measurement(i);
      return { ...raw, _id: id, ...m, takenAt: new Date(m.takenAt) };
    } };
  },
  async registerTemplateUser() {
    const email = 'bench-template@bench.local';
    await http('POST', `${cfg.parse}/users`, { username: email, email, password: PASSWORD, lastName: 'Template' },
      this.base);
    const coll = mongo.db('parse').collection('_User');
    const raw = await coll.findOne({ username: email });
    check(raw, 'Parse user found in parse._User');
    return { coll, make: (i) => ({ ...replaceStrings(raw, { [email]: `bench-${i}@bench.local`,
      Template: `Bench${String(i % lastNames).padStart(4, '0')}` }), _id: parseId() }) };
  },
  requests(ids) {
    const base = `/parse/classes/${PARSE_CLASS}`;
    const where = (d) => encodeURIComponent(JSON.stringify({ deviceId: d }));
    return {
      login: { method: 'POST', path: '/parse/login', body: JSON.stringify(this.loginBody), auth: false },
      create: { method: 'POST', path: base, dynamic: () => ({ body: JSON.stringify(parseBody(measurement())) }) },
      query: { method: 'GET', dynamic: () => ({
        path: `${base}?where=${where(device(rnd(devices)))}&order=-takenAt&limit=20` }) },
      count: { method: 'GET', dynamic: () => ({ path: `${base}?where=${where(device(rnd(devices)))}&count=1&limit=0` }) },
      update: { method: 'PUT', dynamic: () => ({ path: `${base}/${nextId(ids)}`,
        body: JSON.stringify({ heartRate: 40 + rnd(120), note: `updated ${rnd(1e6)}` }) }) },
      me: { method: 'GET', path: '/parse/users/me' },
      // Parse keeps users private to others: listing them takes the master key (Medbase: the admin's permission).
      users: { method: 'GET', master: true, dynamic: () => ({ path: `/parse/users?where=${encodeURIComponent(
        JSON.stringify({ lastName: `Bench${String(rnd(lastNames)).padStart(4, '0')}` }))}&limit=20` }) },
    };
  },
  async verify(reqs, expectedPerDevice) {
    const get = (p, h = this.headers) => http('GET', cfg.parse.replace(/\/parse$/, '') + p, undefined, h);
    const d = device(3);
    const w = encodeURIComponent(JSON.stringify({ deviceId: d }));
    const page = await get(`/parse/classes/${PARSE_CLASS}?where=${w}&order=-takenAt&limit=20`);
    check(page.results.length === Math.min(20, expectedPerDevice(3)), `Parse query returns 20 (${page.results.length})`);
    check(page.results.every((x, i) => x.deviceId === d
      && (i === 0 || page.results[i - 1].takenAt.iso >= x.takenAt.iso)), 'Parse query filtered and sorted');
    const count = await get(`/parse/classes/${PARSE_CLASS}?where=${w}&count=1&limit=0`);
    check(count.count === expectedPerDevice(3), `Parse count ${count.count} = ${expectedPerDevice(3)}`);
    const users = await get(`/parse/users?where=${encodeURIComponent('{"lastName":"' + probeName + '"}')}&limit=20`,
      this.master);
    check(users.results.length === 20 && users.results.every((u) => u.lastName === probeName), 'Parse users filter');
    check((await get('/parse/users/me')).username === 'bench@bench.local', 'Parse /users/me');
  },
};

// ---- helpers ----
let mongo;
async function findCollectionWith(db, filter) {
  for (const c of await db.listCollections().toArray()) {
    if (await db.collection(c.name).findOne(filter)) return c.name;
  }
  throw new Error(`no collection of ${db.databaseName} holds ${JSON.stringify(filter)}`);
}
async function findByValue(coll, value) {
  for await (const d of coll.find({})) if (JSON.stringify(d).toLowerCase().includes(value)) return d;
  return null;
}
function replaceStrings(v, map) {
  if (typeof v === 'string') {
    for (const [from, to] of Object.entries(map)) {
      if (v === from) return to;
      if (v === from.toLowerCase()) return to.toLowerCase();
      if (v === from.toUpperCase()) return to.toUpperCase();
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => replaceStrings(x, map));
  if (v && typeof v === 'object' && v.constructor === Object) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceStrings(x, map)]));
  }
  return v;
}
async function bulkInsert(target, n, make, batch = 1000) {
  const t0 = Date.now();
  for (let i = 1; i <= n; i += batch) {
    const docs = [];
    for (let j = i; j < Math.min(i + batch, n + 1); j++) docs.push(make(j));
    await target.insertMany(docs, { ordered: false });
  }
  return (Date.now() - t0) / 1000;
}

function procStat(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
    return { ticks: Number(f[11]) + Number(f[12]), rss };
  } catch { return null; }
}
// Medbase's processes: the devstack JVM (MongoDB-wire server, Kafka, SMTP) and its children (gateway, services).
function processes() {
  const devstack = Number(fs.readFileSync(cfg.medbasePidFile, 'utf8').trim());
  const out = { 'db (devstack JVM: MongoDB-wire, Kafka)': [devstack], 'Parse (node)': [cfg.parsePid] };
  for (const p of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== devstack) continue;
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      const m = /([a-z]+-service|gateway)[^/ ]*\.jar/.exec(cmd);
      if (m) out[m[1]] = [Number(p)];
    } catch { /* gone */ }
  }
  return out;
}
function sampler(groups) {
  const start = {}, maxRss = {};
  for (const [g, pids] of Object.entries(groups)) {
    start[g] = pids.map((p) => procStat(p)?.ticks ?? 0);
    maxRss[g] = 0;
  }
  const sample = () => {
    for (const [g, pids] of Object.entries(groups)) {
      maxRss[g] = Math.max(maxRss[g], pids.reduce((s, p) => s + (procStat(p)?.rss ?? 0), 0));
    }
  };
  sample();
  const timer = setInterval(sample, 500);
  const t0 = process.hrtime.bigint();
  return () => {
    clearInterval(timer);
    sample();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const res = {};
    for (const [g, pids] of Object.entries(groups)) {
      const ticks = pids.reduce((s, p, i) => s + ((procStat(p)?.ticks ?? 0) - start[g][i]), 0);
      res[g] = { cpu: (100 * ticks) / cfg.clkTck / secs, rss: maxRss[g] };
    }
    return res;
  };
}

// One timed run: autocannon with `connections` connections, `seconds` long at most and `maxRequests` at most.
async function run(product, spec, connections, seconds, record) {
  const origin = product === medbase ? cfg.gateway : cfg.parse.replace(/\/parse$/, '');
  const steps = Array.isArray(spec) ? spec : [spec];
  const requests = steps.map((s) => {
    const headers = s.auth === false ? { ...(product === parse ? parse.base : {}), 'content-type': 'application/json' }
      : s.master ? parse.master : product.headers;
    const req = { method: s.method, path: s.path ?? '/', body: s.body, headers };
    if (s.dynamic) req.setupRequest = (r) => ({ ...r, ...s.dynamic() });
    return req;
  });
  const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  let non2xx = 0;
  const statuses = {};
  const stop = record ? sampler(processes()) : null;
  const load0 = os.loadavg()[0];
  const instance = autocannon({ url: origin, connections, amount: cfg.maxRequests, timeout: 30, requests });
  instance.on('response', (_c, status, _b, ms) => {
    hist.recordValue(Math.max(1, Math.round(ms * 1000)));
    if (status < 200 || status >= 300) { non2xx++; statuses[status] = (statuses[status] || 0) + 1; }
  });
  const timer = setTimeout(() => instance.stop(), seconds * 1000);
  const result = await instance;
  clearTimeout(timer);
  const resources = stop ? stop() : null;
  const secs = (result.finish - result.start) / 1000 || result.duration;
  const total = hist.totalCount;
  return { requests: total, seconds: secs, rps: total / secs, p50: hist.getValueAtPercentile(50) / 1000,
    p95: hist.getValueAtPercentile(95) / 1000, p99: hist.getValueAtPercentile(99) / 1000,
    errors: non2xx + result.errors + result.timeouts, statuses, resources, load: [load0, os.loadavg()[0]] };
}

// ---- report ----
const f1 = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
function svgBars(title, unit, labels, series) {
  const w = 80 + labels.length * 120, h = 300, top = 40, bottom = 250, max = Math.max(1e-9, ...series.flatMap((s) => s.values));
  let s = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`;
  s += `<text x="10" y="20" font-size="14">${title} (${unit})</text>`;
  s += `<line x1="60" y1="${bottom}" x2="${w - 10}" y2="${bottom}" stroke="#333"/>`;
  labels.forEach((l, i) => {
    const x0 = 70 + i * 120;
    series.forEach((ser, j) => {
      const v = ser.values[i] ?? 0, bh = ((bottom - top) * v) / max, x = x0 + j * 45;
      s += `<rect x="${x}" y="${bottom - bh}" width="40" height="${bh}" fill="${ser.color}"/>`;
      s += `<text x="${x + 20}" y="${bottom - bh - 3}" text-anchor="middle">${f1(v)}</text>`;
    });
    s += `<text x="${x0 + 45}" y="${bottom + 15}" text-anchor="middle">${l}</text>`;
  });
  series.forEach((ser, j) => {
    s += `<rect x="${w - 200 + j * 95}" y="8" width="12" height="12" fill="${ser.color}"/>`;
    s += `<text x="${w - 184 + j * 95}" y="18">${ser.name}</text>`;
  });
  return s + '</svg>\n';
}

function report(meta, rows) {
  const L = [];
  L.push(`# Medbase vs Parse Server — ${meta.date}`, '');
  L.push(`Machine: ${meta.machine}. Load average before: ${meta.loadBefore}, after: ${meta.loadAfter}.`);
  L.push(`Versions: ${meta.versions}. Medbase service JVM options: \`${cfg.jvmOpts}\`.`);
  L.push(`Settings: ${cfg.docs} documents, ${cfg.users} users, ${cfg.seconds} s per run (+${cfg.warmup} s warm-up), `
    + `at most ${cfg.maxRequests} requests per run, concurrency ${cfg.concurrency} (mixed: ${cfg.mixed.join(', ')}).`);
  L.push(`Seeding (direct bulk insert of clones of an API-made document in each product's storage format): `
    + meta.seeding, '');
  L.push('Server CPU is in % of one core over the timed run (the machine has ' + os.cpus().length + '); Medbase = '
    + 'gateway + every service JVM, Parse = its node process; "db" is the shared devstack JVM (MongoDB-wire server '
    + 'and Kafka). Memory is the largest resident set seen during the run.', '');
  L.push('"server CPU ms/req" is the server CPU time per completed request (less sensitive than req/s to other load on '
    + 'the machine, but it includes JIT compilation and the background work of idle services). A run with 0 requests '
    + 'completed none within its time: each connection still had its request in flight when it stopped.', '');
  L.push('| workload | product | conn. | requests | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU % | server CPU ms/req | server RSS MiB | db CPU % | load 1m |');
  L.push('| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const r of rows) {
    const res = r.resources || {};
    const serverGroups = Object.keys(res).filter((g) => (r.product === 'Parse' ? g.startsWith('Parse')
      : !g.startsWith('Parse') && !g.startsWith('db')));
    const cpu = serverGroups.reduce((s, g) => s + res[g].cpu, 0), rss = serverGroups.reduce((s, g) => s + res[g].rss, 0);
    const db = Object.keys(res).find((g) => g.startsWith('db'));
    const errs = r.errors + (Object.keys(r.statuses).length ? ` (${Object.entries(r.statuses).map(([k, v]) => `${k}×${v}`).join(', ')})` : '');
    L.push(`| ${r.workload} | ${r.product} | ${r.connections} | ${r.requests} | ${f1(r.rps)} | ${r.p50.toFixed(1)} | `
      + `${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${errs} | ${f1(cpu)} | `
      + `${r.requests ? f1((cpu / 100) * r.seconds * 1000 / r.requests) : 'n/a'} | ${f1(rss)} | ${db ? f1(res[db].cpu) : ''} | `
      + `${r.load.map((x) => x.toFixed(1)).join('→')} |`);
  }
  L.push('', '## Ratio Medbase / Parse', '', '| workload | conn. | req/s ratio | p99 ratio (lower is better for Medbase) |', '| --- | --: | --: | --: |');
  for (const m of rows.filter((r) => r.product === 'Medbase')) {
    const p = rows.find((r) => r.product === 'Parse' && r.workload === m.workload && r.connections === m.connections);
    const ratio = (a, b) => (a > 0 && b > 0 ? (a / b).toFixed(2) : 'n/a');
    if (p) L.push(`| ${m.workload} | ${m.connections} | ${ratio(m.rps, p.rps)} | ${ratio(m.p99, p.p99)} |`);
  }
  L.push('', '## Medbase processes per workload (CPU % of one core / max RSS MiB)', '');
  const groups = [...new Set(rows.flatMap((r) => Object.keys(r.resources || {})))].filter((g) => !g.startsWith('Parse'));
  L.push(`| workload | conn. | ${groups.join(' | ')} |`, `| --- | --: | ${groups.map(() => '--:').join(' | ')} |`);
  for (const r of rows.filter((x) => x.product === 'Medbase')) {
    L.push(`| ${r.workload} | ${r.connections} | ${groups.map((g) => (r.resources?.[g]
      ? `${f1(r.resources[g].cpu)} / ${f1(r.resources[g].rss)}` : '')).join(' | ')} |`);
  }
  L.push('', '![requests per second](throughput.svg)', '', '![p99 latency](p99.svg)', '');
  return L.join('\n');
}

// ---- main ----
async function main() {
  fs.mkdirSync(cfg.out, { recursive: true });
  mongo = await MongoClient.connect(cfg.mongo, { directConnection: true });
  const meta = { date: new Date().toISOString(), loadBefore: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    machine: `${os.cpus().length} × ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.release()}`,
    versions: env.BENCH_VERSIONS };
  const seeding = [];
  const ids = {};
  const collections = {};
  for (const product of [medbase, parse]) {
    log(`${product.name}: schema, index, template document`);
    const template = await product.setup();
    const seed = product.seedDocs(template, cfg.docs - 1);
    const secs = await bulkInsert(seed.collection, cfg.docs - 1, seed.make);
    ids[product.name] = seed.ids;
    collections[product.name] = seed.collection;
    log(`${product.name}: ${cfg.docs - 1} documents inserted in ${secs.toFixed(1)} s`);
    const users = await product.registerTemplateUser();
    const usecs = await bulkInsert(users.coll, cfg.users, users.make);
    log(`${product.name}: ${cfg.users} users inserted in ${usecs.toFixed(1)} s`);
    seeding.push(`${product.name} ${cfg.docs - 1} documents in ${secs.toFixed(1)} s, ${cfg.users} users in ${usecs.toFixed(1)} s`);
  }
  meta.seeding = seeding.join('; ') + '.';
  // The template document is measurement(0); seeded ones are measurement(1..docs-1): device d holds the i ≡ d.
  const expectedPerDevice = (d) => Math.floor((cfg.docs - 1 - d) / devices) + 1;
  for (const product of [medbase, parse]) {
    await product.login();
    await product.verify(product.requests(ids[product.name]), expectedPerDevice);
    log(`${product.name}: answers checked`);
  }
  const c = cfg.concurrency;
  const plan = [['login', 'login', c], ['create', 'create', c], ['query', 'query', c], ['count', 'count', c],
    ['update', 'update', c], ['users filter (#5)', 'users', c], ['users/me', 'me', c],
    ...cfg.mixed.map((m) => ['mixed 80/20', 'mixed', m])];
  const rows = [];
  // Where the profiles of the workloads begin (bench/JfrTop.java leaves the start-up and seeding out).
  fs.writeFileSync(path.join(cfg.out, 'workloads-start.txt'), new Date().toISOString() + '\n');
  for (const [workload, key, connections] of plan) {
    if (cfg.only && !cfg.only.includes(key)) continue;
    for (const product of [medbase, parse]) {
      const since = new Date();
      await product.login(); // fresh token: Medbase access tokens live 5 minutes
      const r = product.requests(ids[product.name]);
      const spec = key === 'mixed' ? [r.query, r.query, r.query, r.query, r.update] : r[key];
      if (cfg.warmup > 0) await run(product, spec, connections, cfg.warmup, false);
      const res = await run(product, spec, connections, cfg.seconds, true);
      rows.push({ workload, key, product: product.name, connections, ...res });
      log(`${workload} ${product.name} c=${connections}: ${f1(res.rps)} req/s p50 ${res.p50.toFixed(1)} `
        + `p99 ${res.p99.toFixed(1)} ms errors ${res.errors} load ${os.loadavg()[0].toFixed(1)}`);
      if (key === 'create') {
        // Each product created as many documents as its speed allowed (Parse about five times Medbase's): remove
        // them, so that the workloads after this one read collections of the seeded size in both.
        const { deletedCount } = await collections[product.name]
          .deleteMany({ [product.createdField]: { $gte: since } });
        log(`${product.name}: the ${deletedCount} documents the create runs made removed`);
      }
    }
  }
  meta.loadAfter = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const labels = rows.filter((r) => r.product === 'Medbase').map((r) => `${r.key}${r.key === 'mixed' ? ` c${r.connections}` : ''}`);
  const values = (p, k) => rows.filter((r) => r.product === 'Medbase').map((m) =>
    rows.find((r) => r.product === p && r.key === m.key && r.connections === m.connections)?.[k] ?? 0);
  const series = (k) => [{ name: 'Medbase', color: '#2b6cb0', values: values('Medbase', k) },
    { name: 'Parse', color: '#dd6b20', values: values('Parse', k) }];
  fs.writeFileSync(path.join(cfg.out, 'throughput.svg'), svgBars('Throughput', 'req/s', labels, series('rps')));
  fs.writeFileSync(path.join(cfg.out, 'p99.svg'), svgBars('p99 latency', 'ms', labels, series('p99')));
  fs.writeFileSync(path.join(cfg.out, 'results.json'), JSON.stringify({ meta, cfg, rows }, null, 2));
  fs.writeFileSync(path.join(cfg.out, 'report.md'), report(meta, rows));
  log(`report: ${path.join(cfg.out, 'report.md')}`);
  await mongo.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
