// The official Extra Horizon SDK against Medbase's file service, as an app would use it. Written for e2e's SdkIT
// (same environment: MEDBASE_URL, MEDBASE_CLIENT_ID/SECRET, MEDBASE_ADMIN_EMAIL/PASSWORD; the bootstrap admin holds
// VIEW_FILES and the settings permissions). The same flow passed against file-service on a real port with SDK 8.14.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOAuth2Client, rqlBuilder } from '@extrahorizon/javascript-sdk';

const env = process.env;

async function login() {
  const exh = createOAuth2Client({ host: env.MEDBASE_URL, clientId: env.MEDBASE_CLIENT_ID, clientSecret: env.MEDBASE_CLIENT_SECRET });
  await exh.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });
  return exh;
}

test('create → getDetails → retrieve → generateToken(read) → remove', async () => {
  const exh = await login();
  const content = Buffer.from([0, 1, 2, 3, 255, 254, 13, 10]);
  const created = await exh.files.create('sample.bin', content, { tags: ['ecg', 'night'] });
  assert.equal(created.name, 'sample.bin');
  assert.deepEqual(created.tags, ['ecg', 'night']);
  assert.ok(created.creationTimestamp instanceof Date);
  const token = created.tokens[0].token;

  assert.equal((await exh.files.getDetails(token)).size, content.length);
  assert.deepEqual(Buffer.from(await exh.files.retrieve(token)), content);
  const stream = await exh.files.retrieveStream(token);
  const parts = [];
  for await (const chunk of stream.data) parts.push(chunk);
  assert.deepEqual(Buffer.concat(parts), content);

  const read = await exh.files.generateToken(token, { accessLevel: 'read' });
  assert.equal(read.accessLevel, 'read');
  assert.equal((await exh.files.getDetails(read.token)).tokens, undefined);
  await assert.rejects(exh.files.remove(read.token), (e) => e.constructor.name === 'UnauthorizedTokenError');
  await assert.rejects(exh.files.getDetails('nope'), (e) => e.constructor.name === 'InvalidTokenError');
  await assert.rejects(exh.files.deleteToken(token, token), (e) => e.constructor.name === 'TokenNotDeleteableError');
  await exh.files.deleteToken(token, read.token);

  const byName = await exh.files.findByName('sample.bin');
  assert.equal(byName.name, 'sample.bin');
  assert.ok((await exh.files.find({ rql: rqlBuilder().eq('tags', 'night').build() })).data.length >= 1);

  assert.deepEqual(await exh.files.remove(token), { affectedRecords: 1 });
});

test('createFromText, the size limit, settings', async () => {
  const exh = await login();
  const text = await exh.files.createFromText('Hello from the SDK');
  assert.equal(text.name, 'data');
  assert.equal(Buffer.from(await exh.files.retrieve(text.tokens[0].token)).toString(), 'Hello from the SDK');
  await exh.files.remove(text.tokens[0].token);

  await assert.rejects(exh.files.create('big.bin', Buffer.alloc(8 * 1024 * 1024 + 1)),
    (e) => e.constructor.name === 'FileTooLargeError');

  const before = await exh.files.settings.get();
  assert.ok(Array.isArray(before.disableForceDownloadForMimeTypes));
  assert.deepEqual(await exh.files.settings.update({ disableForceDownloadForMimeTypes: before.disableForceDownloadForMimeTypes }),
    { affectedRecords: 1 });
});
