// The official Extra Horizon SDK against Medbase's event service, through the gateway: an action in another service
// (a registration in user-service) shows up as its `user_created` event once it has crossed the outbox and Kafka;
// custom events (content snake_cased by default, verbatim with normalizeEventContent: false); subscriptions.
// Run by dev.medbase.e2e.SdkIT with MEDBASE_URL, MEDBASE_CLIENT_ID/SECRET, MEDBASE_ADMIN_EMAIL/PASSWORD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOAuth2Client, rqlBuilder } from '@extrahorizon/javascript-sdk';

const env = process.env;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const client = () => createOAuth2Client({ host: env.MEDBASE_URL, clientId: env.MEDBASE_CLIENT_ID,
  clientSecret: env.MEDBASE_CLIENT_SECRET });
const unique = `${Date.now()}${Math.floor(Math.random() * 1000)}`;

async function admin() {
  const exh = client();
  await exh.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });
  return exh;
}

/** Polls `events.find` until the RQL matches an event: events cross an outbox relay and Kafka first. */
async function awaitEvent(exh, rql) {
  for (let i = 0; i < 120; i++) {
    const page = await exh.events.find({ rql });
    if (page.data.length > 0) return page;
    await sleep(250);
  }
  throw new Error(`no event matches ${rql}`);
}

test('a registration in user-service becomes a user_created event', async () => {
  const exh = await admin();
  const before = Date.now();
  const user = await client().users.createAccount({ firstName: 'Eve', lastName: 'Nt', email: `events.${unique}@example.com`,
    password: 'Events-pass-1', phoneNumber: '+3212345678', language: 'EN' });

  const rql = rqlBuilder().eq('type', 'user_created').eq('content.id', user.id).sort('-creationTimestamp').build();
  const page = await awaitEvent(exh, rql);
  assert.equal(page.data.length, 1, 'stored once');
  const event = page.data[0];
  assert.equal(event.type, 'user_created');
  assert.deepEqual(event.content, { id: user.id });
  assert.match(event.id, /^[0-9a-f]{24}$/);
  assert.ok(event.creationTimestamp instanceof Date, 'creation_timestamp (epoch ms) becomes a Date');
  assert.ok(event.creationTimestamp.getTime() >= before - 5000 && event.creationTimestamp.getTime() <= Date.now());

  assert.equal((await exh.events.findById(event.id)).id, event.id);
  const newest = await exh.events.findFirst({ rql: rqlBuilder().eq('type', 'user_created').sort('-creationTimestamp').build() });
  assert.ok(newest.creationTimestamp.getTime() >= event.creationTimestamp.getTime());
  assert.equal(await exh.events.health(), true);
});

test('custom events are created and found', async () => {
  const exh = await admin();
  const type = `sdk_custom_${unique}`;
  const created = await exh.events.create({ type, content: { deviceId: 'dev-1', reading: { systolicValue: 120, unitName: 'mmHg' } } });
  assert.equal(created.type, type);
  assert.match(created.id, /^[0-9a-f]{24}$/);
  // the SDK snake_cases custom content on the way in unless told not to (contract §10), camelCases it back on the way out
  assert.deepEqual(created.content, { deviceId: 'dev-1', reading: { systolicValue: 120, unitName: 'mmHg' } });
  assert.ok(created.creationTimestamp instanceof Date);

  const verbatim = await exh.events.create({ type, content: { deviceId: 'dev-2' } }, { normalizeEventContent: false });
  assert.deepEqual(verbatim.content, { deviceId: 'dev-2' });

  const page = await awaitEvent(exh, rqlBuilder().eq('type', type).sort('creationTimestamp').build());
  assert.deepEqual(page.data.map((e) => e.id).sort(), [created.id, verbatim.id].sort());
  assert.equal(page.page.total, 2);
  const snake = await exh.events.find({ rql: rqlBuilder().eq('type', type).eq('content.reading.unit_name', 'mmHg').build() });
  assert.deepEqual(snake.data.map((e) => e.id), [created.id], 'stored snake_cased');
  const kept = await exh.events.find({ rql: rqlBuilder().eq('type', type).eq('content.deviceId', 'dev-2').build() });
  assert.deepEqual(kept.data.map((e) => e.id), [verbatim.id], 'stored verbatim');

  let caught;
  try { await exh.events.create({ content: { a: 1 } }); } catch (e) { caught = e; }
  assert.equal(caught?.constructor?.name, 'MissingRequiredFieldsError');

  // a user without CREATE_EVENTS / VIEW_EVENTS is refused
  const email = `events.plain.${unique}@example.com`;
  await client().users.createAccount({ firstName: 'Pl', lastName: 'Ain', email, password: 'Events-pass-1',
    phoneNumber: '+3212345678', language: 'EN' });
  const plain = client();
  await plain.auth.authenticate({ username: email, password: 'Events-pass-1' });
  for (const call of [() => plain.events.create({ type }), () => plain.events.find({ rql: rqlBuilder().eq('type', type).build() })]) {
    let refused;
    try { await call(); } catch (e) { refused = e; }
    assert.equal(refused?.constructor?.name, 'NoPermissionError', String(refused));
  }
});

test('subscriptions are recorded and found', async () => {
  const exh = await admin();
  const name = `sdk-service-${unique}`;
  const sub = await exh.events.subscriptions.create({ service: { name, version: { major: 1, minor: 2, patch: 3 } },
    eventTypes: ['user_created', 'task_failed'], retriable: true });
  assert.match(sub.id, /^[0-9a-f]{24}$/);
  assert.deepEqual(sub.eventTypes, ['user_created', 'task_failed']);
  assert.ok(sub.creationTimestamp instanceof Date);
  const found = await exh.events.subscriptions.findFirst({ rql: rqlBuilder().eq('service.name', name).build() });
  assert.equal(found.id, sub.id);
  assert.deepEqual(found.service, { name, version: { major: 1, minor: 2, patch: 3 } });
  assert.equal(found.retriable, true);
  assert.equal((await exh.events.subscriptions.findById(sub.id)).id, sub.id);
});
