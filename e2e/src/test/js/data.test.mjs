// The official Extra Horizon SDK (8.14.1) against Medbase's data service, through the gateway as the admin: schema
// with properties/statuses/transitions, documents (plain and gzip), RQL with double-encoded values, update with
// precondition, transition, links, array objects, comments, indexes, page.total, remove, disable, delete.
// Run by dev.medbase.e2e.SdkIT with MEDBASE_URL, MEDBASE_CLIENT_ID/SECRET, MEDBASE_ADMIN_EMAIL/PASSWORD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOAuth2Client, rqlBuilder } from '@extrahorizon/javascript-sdk';

const env = process.env;

test('schemas, documents, RQL, transitions and comments through the SDK', async () => {
  const exh = createOAuth2Client({ host: env.MEDBASE_URL, clientId: env.MEDBASE_CLIENT_ID,
    clientSecret: env.MEDBASE_CLIENT_SECRET });
  await exh.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });
  const name = 'sdk-' + Date.now();
  const schema = await exh.data.schemas.create({ name, description: 'Blood pressure' });
  assert.equal(schema.name, name);
  assert.ok(schema.creationTimestamp instanceof Date);
  await exh.data.properties.create(schema.id, { name: 'systolic', configuration: { type: 'number' } });
  await exh.data.properties.create(schema.id, { name: 'deviceId', configuration: { type: 'string' } });
  await exh.data.properties.create(schema.id, { name: 'at', configuration: { type: 'string', format: 'date-time' } });
  await exh.data.statuses.create(schema.id, { name: 'done', data: { label: 'Done' } });
  await exh.data.statuses.update(schema.id, 'done', { label: 'Finished' });
  const t = await exh.data.transitions.create(schema.id, { name: 'finish', type: 'manual', fromStatuses: ['new'], toStatus: 'done' });
  assert.match(t.id, /^[0-9a-f]{24}$/);
  const full = await exh.data.schemas.findById(schema.id);
  assert.equal(full.findTransitionIdByName('finish'), t.id);
  assert.equal((await exh.data.schemas.findByName(name)).id, schema.id);

  const d1 = await exh.data.documents.create(schema.id, { systolic: 120, deviceId: 'dev-1', at: '2024-01-02T03:04:05+01:00' });
  assert.equal(d1.data.at, '2024-01-02T02:04:05.000Z');
  assert.ok(d1.creationTimestamp instanceof Date);
  const d2 = await exh.data.documents.create(schema.name, { systolic: 140, deviceId: 'Hypertension - STAGE 1' }, { gzip: true });
  assert.equal(d2.data.systolic, 140);

  const rql = rqlBuilder().eq('data.deviceId', 'dev-1').gt('data.systolic', 100).sort('-creationTimestamp').limit(10).build();
  const page = await exh.data.documents.find(schema.id, { rql });
  assert.equal(page.page.total, 1);
  assert.equal(page.data[0].id, d1.id);
  const special = await exh.data.documents.find(schema.id, { rql: rqlBuilder().eq('data.deviceId', 'Hypertension - STAGE 1').build() });
  assert.equal(special.data[0].id, d2.id);
  const sel = await exh.data.documents.findFirst(schema.id, { rql: rqlBuilder().select(['id', 'data.systolic']).sort('data.systolic').build() });
  assert.deepEqual(sel.data, { systolic: 120 });
  const since = await exh.data.documents.find(schema.id, { rql: rqlBuilder().gt('data.at', '2024-01-01').build() });
  assert.equal(since.page.total, 1);
  assert.equal((await exh.data.documents.findById(schema.id, d1.id)).id, d1.id);
  const all = await exh.data.documents.findAll(schema.id);
  assert.equal(all.length, 2);

  const upd = await exh.data.documents.update(schema.id, d1.id, { systolic: 125 }, { rql: rqlBuilder().eq('status', 'new').build() });
  assert.equal(upd.affectedRecords, 1);
  const noop = await exh.data.documents.update(schema.id, d1.id, { systolic: 126 }, { rql: rqlBuilder().eq('status', 'done').build() });
  assert.equal(noop.affectedRecords, 0);
  const tr = await exh.data.documents.transition(schema.id, d1.id, { id: t.id, data: { systolic: 130 } });
  assert.equal(tr.affectedRecords, 1);
  const after = await exh.data.documents.findById(schema.id, d1.id);
  assert.equal(after.status, 'done');
  assert.equal(after.data.systolic, 130);
  assert.ok(after.statusChangedTimestamp instanceof Date);
  assert.equal(await exh.data.documents.assertNonLockedState(schema.id, d1.id, 3, 10), true);

  await exh.data.documents.removeFields(schema.id, d2.id, { fields: ['deviceId'] });
  await exh.data.documents.linkUsers(schema.id, d2.id, { userIds: ['5e9fff9d90135a2a9a718e2f'] });
  await exh.data.documents.unlinkAllUsers(schema.id, d2.id);
  await exh.data.documents.linkGroups(schema.id, d2.id, { groupIds: ['5e9fff9d90135a2a9a718e2f'] });
  await exh.data.documents.unlinkAllGroups(schema.id, d2.id);
  const item = await exh.data.documents.appendObjectToArray(schema.id, d2.id, 'items', { v: 1 });
  assert.match(item.id, /^[0-9a-f]{24}$/);
  await exh.data.documents.updateObjectInArray(schema.id, d2.id, 'items', item.id, { v: 2 });
  await exh.data.documents.removeObjectFromArray(schema.id, d2.id, 'items', item.id);
  const c = await exh.data.comments.create(schema.id, d2.id, { text: 'hello' });
  assert.equal((await exh.data.comments.findById(c.id, schema.id, d2.id)).text, 'hello');
  await exh.data.comments.update(c.id, schema.id, d2.id, { text: 'bye' });
  await exh.data.comments.remove(c.id, schema.id, d2.id);
  const idx = await exh.data.indexes.create(schema.id, { fields: [{ name: 'data.deviceId', type: 'asc' }], options: { unique: false } });
  await exh.data.indexes.remove(idx.id, schema.id);

  assert.equal((await exh.data.documents.remove(schema.id, d2.id)).affectedRecords, 1);
  await exh.data.schemas.update(schema.id, { description: 'changed', defaultLimit: 5 });
  await exh.data.properties.update(schema.id, 'systolic', { type: 'number', minimum: 0 });
  await exh.data.properties.remove(schema.id, 'at');
  await exh.data.transitions.updateCreation(schema.id, { type: 'manual', toStatus: 'new' });
  await exh.data.transitions.update(schema.id, t.id, { name: 'finish2', type: 'manual', fromStatuses: ['new'], toStatus: 'done' });
  await exh.data.transitions.remove(schema.id, t.id);
  await exh.data.statuses.remove(schema.id, 'done');
  assert.equal((await exh.data.schemas.disable(schema.id)).affectedRecords, 1);
  assert.equal((await exh.data.schemas.enable(schema.id)).affectedRecords, 1);
  await exh.data.schemas.disable(schema.id);
  assert.equal((await exh.data.schemas.remove(schema.id)).affectedRecords, 1);
  assert.equal(await exh.data.health(), true);
  let caught;
  try { await exh.data.documents.create(name, { systolic: 1 }); } catch (e) { caught = e; }
  assert.equal(caught?.constructor?.name, 'ResourceUnknownError');
  console.log('SDK OK');
});
