// The official Extra Horizon SDK against Medbase's task service, through the gateway: a real Node function created
// from a zip built here (stored entries, CRC from node:zlib), queued tasks run to `complete` (with their logs) or to
// `failed` (with the `task_failed` event in event-service), cancel, direct execution, an API function, schedules.
// Run by dev.medbase.e2e.SdkIT with MEDBASE_URL, MEDBASE_CLIENT_ID/SECRET, MEDBASE_ADMIN_EMAIL/PASSWORD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { createOAuth2Client, rqlBuilder } from '@extrahorizon/javascript-sdk';

const env = process.env;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = `${Date.now()}${Math.floor(Math.random() * 1000)}`;

/** A zip archive of `files` ({name: text}), entries stored uncompressed, as base64 (the functions' `code`). */
function zipBase64(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42); // local header offset (comment, disk, attributes stay 0)
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]).toString('base64');
}

// A task's event is the task; an API call's event is the §9.3 request. The helper module checks the zip's
// other entries are unpacked next to the entry point.
const FUNCTION_CODE = {
  'lib/greet.js': "exports.greet = (who) => `hello ${who}`;\n",
  'index.js': `
const { greet } = require('./lib/greet');
exports.handler = async (event) => {
  if (event.requestContext) {
    console.log('api', event.requestContext.http.method, event.rawPath);
    return { statusCode: 200, body: { path: event.rawPath, query: event.rawQueryString,
      user: event.headers['x-exh-requesting-user-id'], greeting: greet('api') } };
  }
  console.log('task', event.id, JSON.stringify(event.data));
  if (event.data && event.data.fail) throw new RangeError('asked to fail');
  return { greeting: greet(event.data.who), taskId: event.id, env: process.env.GREETING_STYLE };
};
`,
};

async function admin() {
  const exh = createOAuth2Client({ host: env.MEDBASE_URL, clientId: env.MEDBASE_CLIENT_ID,
    clientSecret: env.MEDBASE_CLIENT_SECRET });
  await exh.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });
  return exh;
}

async function awaitStatus(exh, taskId, statuses) {
  for (let i = 0; i < 240; i++) {
    const task = await exh.tasks.findById(taskId);
    if (statuses.includes(task.status)) return task;
    await sleep(250);
  }
  throw new Error(`task ${taskId} did not reach ${statuses}`);
}

test('a Node function runs queued tasks, direct executions and API calls', async () => {
  const exh = await admin();
  const name = `sdk-node-${unique}`;
  const created = await exh.tasks.functions.create({
    name, description: 'Greets', code: zipBase64(FUNCTION_CODE), entryPoint: 'index.handler', runtime: 'nodejs20.x',
    timeLimit: 30, memoryLimit: 256, environmentVariables: { GREETING_STYLE: { value: 'warm' } },
    executionOptions: { permissionMode: 'permissionRequired' }, retryPolicy: { enabled: false, errorsToRetry: [] },
  });
  assert.equal(created.name, name);
  assert.equal(created.enabled, true);
  assert.equal(created.code, undefined, 'the code is never returned');
  const details = await exh.tasks.functions.getByName(name);
  assert.deepEqual(details.environmentVariables, { GREETING_STYLE: { value: 'warm' } });
  assert.equal(details.runtime, 'nodejs20.x');
  assert.ok((await exh.tasks.functions.find()).data.some((f) => f.name === name));

  // queued: new → complete, found as complete, with the function's console output as logs
  const task = await exh.tasks.create({ functionName: name, data: { who: 'queue', someKey: 1 }, tags: ['sdk'] });
  assert.equal(task.status, 'new');
  assert.deepEqual(task.data, { who: 'queue', someKey: 1 });
  const done = await awaitStatus(exh, task.id, ['complete', 'failed']);
  assert.equal(done.status, 'complete', JSON.stringify(done.error));
  const found = await exh.tasks.find({ rql: rqlBuilder().eq('functionName', name).eq('status', 'complete').build() });
  assert.deepEqual(found.data.map((t) => t.id), [task.id]);
  assert.deepEqual(found.data[0].tags, ['sdk']);
  assert.ok(found.data[0].updateTimestamp instanceof Date);
  const logs = await exh.tasks.logs.find(task.id);
  assert.ok(logs.some((l) => l.message.includes(`task ${task.id} {"who":"queue","someKey":1}`)), JSON.stringify(logs));

  // a failing task ends failed with the runtime error, and event-service has its task_failed event
  const failing = await exh.tasks.create({ functionName: name, data: { fail: true } });
  const failed = await awaitStatus(exh, failing.id, ['complete', 'failed']);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error.type, 'runtime');
  assert.equal(failed.error.name, 'RangeError');
  assert.equal(failed.error.message, 'asked to fail');
  let event;
  for (let i = 0; i < 120 && !event; i++) {
    event = await exh.events.findFirst({ rql: rqlBuilder().eq('type', 'task_failed').eq('content.id', failing.id).build() });
    if (!event) await sleep(250);
  }
  assert.ok(event, 'task_failed reaches event-service');
  assert.equal(event.content.functionName, name);

  // a task due in an hour can be canceled, once
  const later = await exh.tasks.create({ functionName: name, data: { who: 'later' },
    startTimestamp: new Date(Date.now() + 3600_000) });
  assert.equal((await exh.tasks.cancel(later.id)).affectedRecords, 1);
  assert.equal((await exh.tasks.findById(later.id)).status, 'canceled');
  let notNew;
  try { await exh.tasks.cancel(later.id); } catch (e) { notNew = e; }
  assert.ok(notNew, 'a canceled task cannot be canceled again');

  // direct execution: the result comes back, custom keys untouched
  const direct = await exh.tasks.functions.execute(name, { who: 'direct' });
  assert.equal(direct.status, 'complete');
  assert.deepEqual(direct.result, { greeting: 'hello direct', taskId: direct.id, env: 'warm' });

  // API function: GET /tasks/v1/api/{name}/hello/world?x=1, the response as the function answered it
  const me = await exh.users.me();
  const answer = await exh.tasks.api.get(name, 'hello/world?x=1', {});
  assert.deepEqual(answer, { path: '/hello/world', query: '?x=1', user: me.id, greeting: 'hello api' });
  const requests = await exh.tasks.apiRequests.find({ rql: rqlBuilder().eq('functionName', name).build() });
  assert.equal(requests.data.length, 1);
  assert.equal(requests.data[0].statusCode, 200);
  assert.equal(requests.data[0].path, '/hello/world');

  // unknown function
  let unknown;
  try { await exh.tasks.create({ functionName: `missing-${unique}` }); } catch (e) { unknown = e; }
  assert.equal(unknown?.constructor?.name, 'ResourceUnknownError');

  // disabled functions are not executed
  await exh.tasks.functions.disable(name);
  let disabled;
  try { await exh.tasks.functions.execute(name, { who: 'nobody' }); } catch (e) { disabled = e; }
  assert.ok(disabled, 'a disabled function is refused');
  await exh.tasks.functions.enable(name);
  assert.equal((await exh.tasks.functions.remove(name)).affectedRecords, 1);
});

test('a schedule creates tasks every interval until it is removed', async () => {
  const exh = await admin();
  const name = `sdk-sched-${unique}`;
  await exh.tasks.functions.create({ name, code: zipBase64({ 'index.js': 'exports.handler = async () => 1;\n' }),
    entryPoint: 'index.handler', runtime: 'nodejs20.x' });
  const schedule = await exh.tasks.schedules.create({ functionName: name, interval: 1, data: { tickKey: 'x' } });
  assert.match(schedule.id, /^[0-9a-f]{24}$/);
  assert.deepEqual(schedule.data, { tickKey: 'x' });
  assert.ok(schedule.nextTimestamp instanceof Date);
  assert.equal((await exh.tasks.schedules.findFirst({ rql: rqlBuilder().eq('id', schedule.id).build() })).functionName, name);
  let tasks = [];
  for (let i = 0; i < 120 && tasks.length < 2; i++) {
    tasks = (await exh.tasks.find({ rql: rqlBuilder().eq('functionName', name).build() })).data;
    if (tasks.length < 2) await sleep(250);
  }
  assert.ok(tasks.length >= 2, `ticks created ${tasks.length} tasks`);
  assert.deepEqual(tasks[0].data, { tickKey: 'x' });
  assert.equal((await exh.tasks.schedules.remove(schedule.id)).affectedRecords, 1);
  await exh.tasks.functions.remove(name);
});
