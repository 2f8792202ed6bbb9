// The official Extra Horizon SDK against Medbase's mail service, as an app's admin would use it:
// mails.send (plain, and with a v2 template created through templatesV2) → the mail arrives in the devstack's SMTP
// catcher → mails.find lists it (and the wire is snake_case) → mails.track counts the open.
// Run by dev.medbase.e2e.SdkIT with MEDBASE_URL, MEDBASE_MAIL_URL (the devstack's mail viewer), MEDBASE_CLIENT_ID/SECRET,
// MEDBASE_ADMIN_EMAIL/PASSWORD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOAuth2Client, rqlBuilder } from '@extrahorizon/javascript-sdk';

const env = process.env;
const host = env.MEDBASE_URL;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const client = () => createOAuth2Client({ host, clientId: env.MEDBASE_CLIENT_ID, clientSecret: env.MEDBASE_CLIENT_SECRET });
const unique = `${Date.now()}${Math.floor(Math.random() * 1000)}`;

/** The messages the SMTP catcher received for `email`, once there are `count` of them. */
async function received(email, count) {
  let messages = [];
  for (let i = 0; i < 60; i++) {
    messages = await (await fetch(`${env.MEDBASE_MAIL_URL}/api/messages?to=${encodeURIComponent(email)}`)).json();
    if (messages.length >= count) return messages;
    await sleep(500);
  }
  throw new Error(`${messages.length} of ${count} mails arrived for ${email}`);
}

async function admin() {
  const exh = client();
  const tokens = await exh.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });
  return { exh, tokens, userId: await exh.raw.userId };
}

/**
 * The mail log entry as it goes over the wire (the SDK camelizes what it returns), once it is marked sent (the
 * catcher may hold the mail a moment before the worker records the outcome).
 */
async function wireMail(tokens, id) {
  let mail;
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${host}/mail/v1/?eq(id,${id})`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } });
    assert.equal(response.status, 200);
    const page = await response.json();
    assert.equal(page.data.length, 1);
    mail = page.data[0];
    if (mail.status === 'sent') return mail;
    await sleep(250);
  }
  assert.fail(`mail ${id} is ${mail.status}, not sent`);
}

test('a plain mail: send → SMTP catcher → mails.find', async () => {
  const { exh, tokens, userId } = await admin();
  const to = `plain.${unique}@example.com`;
  const cc = `copy.${unique}@example.com`;
  const subject = `Plain ${unique}: Zoë’s results`;
  const body = 'Hello from the SDK.\nYour results are ready — see you soon.';

  const sent = await exh.mails.send({ recipients: { to: [to], cc: [cc] }, subject, body, replyTo: [`desk.${unique}@example.com`] });
  assert.match(sent.id, /^[0-9a-f]{24}$/);
  assert.equal(sent.subject, subject);
  assert.deepEqual(sent.recipients.to, [to]);
  assert.equal(sent.views, 0);
  assert.ok(sent.creationTimestamp instanceof Date);

  const [mail] = await received(to, 1);
  assert.equal(mail.subject, subject);
  assert.equal(mail.text.trim(), body);
  assert.deepEqual([...mail.to].sort(), [cc, to].sort(), 'one SMTP transaction to both recipients');
  assert.equal((await received(cc, 1)).length, 1);

  const found = await exh.mails.find({ rql: rqlBuilder().eq('id', sent.id).build() });
  assert.equal(found.data.length, 1);
  assert.equal(found.data[0].subject, subject);
  assert.equal(found.data[0].body, body);
  assert.deepEqual(found.data[0].recipients.cc, [cc]);
  assert.equal(found.data[0].creatorId, userId);
  assert.ok(found.data[0].creationTimestamp instanceof Date);
  assert.deepEqual((await exh.mails.findById(sent.id)).id, sent.id);

  const wire = await wireMail(tokens, sent.id);
  assert.equal(wire.creator_id, userId);
  assert.deepEqual(wire.reply_to, [`desk.${unique}@example.com`]);
  assert.equal(typeof wire.creation_timestamp, 'number');
  assert.equal(typeof wire.update_timestamp, 'number');
  assert.equal(wire.creatorId, undefined);
  assert.equal(wire.status, 'sent');
  assert.equal(typeof wire.aws_message_id, 'string', 'the SMTP Message-ID of the sent mail');
});

test('a mail from a v2 template created through the SDK, with open tracking', async () => {
  const { exh, tokens } = await admin();
  const name = `order_ready_${unique}`;
  const template = await exh.templatesV2.create({
    name,
    description: 'Order ready',
    inputs: { first_name: { type: 'string' }, order_id: { type: 'number' } },
    outputs: {
      subject: 'Order {{@inputs.order_id}} for {{@inputs.first_name}}',
      body: '<p>Hello {{@inputs.first_name}}, order {{@inputs.order_id}} is ready.</p>'
        + `<img src="${host}/mail/v1/{{@inputs.tracking_hash}}/open" width="1" height="1">`,
    },
  });
  assert.match(template.id, /^[0-9a-f]{24}$/);
  assert.equal((await exh.templatesV2.findByName(name)).id, template.id);

  const to = `templated.${unique}@example.com`;
  await assert.rejects(exh.mails.send({ recipients: { to: [to] }, templateName: name, content: { order_id: 'seven' } }),
    (e) => e.constructor.name === 'TemplateFillingError');

  const byName = await exh.mails.send({ recipients: { to: [to] }, templateName: name,
    content: { first_name: 'Zoë & co', order_id: 7 } });
  assert.equal(byName.templateName, name);
  assert.equal(byName.subject, 'Order 7 for Zoë & co');
  const byId = await exh.mails.send({ recipients: { to: [to] }, templateId: template.id,
    content: { first_name: 'Ann', order_id: 8 } });
  assert.equal(byId.templateId, template.id);

  const mails = await received(to, 2);
  const first = mails.find((m) => m.subject === 'Order 7 for Zoë & co');
  assert.ok(first, `subjects: ${mails.map((m) => m.subject)}`);
  assert.match(first.html, /<p>Hello Zoë &amp; co, order 7 is ready\.<\/p>/);
  assert.match(first.text, /Hello Zoë & co, order 7 is ready\./);
  assert.ok(mails.some((m) => m.subject === 'Order 8 for Ann' && m.html.includes('Hello Ann, order 8 is ready.')));

  // the tracking pixel's link counts an open
  const pixel = first.links.find((link) => link.endsWith('/open'));
  const hash = pixel.match(/\/mail\/v1\/([0-9a-f]{40})\/open$/)[1];
  assert.equal((await exh.mails.track(hash)).affectedRecords, 1);
  const found = await exh.mails.find({ rql: rqlBuilder().eq('id', byName.id).build() });
  assert.equal(found.data[0].views, 1);
  assert.deepEqual(found.data[0].content, { first_name: 'Zoë & co', order_id: 7 }, 'content keys are the caller’s');

  const wire = await wireMail(tokens, byName.id);
  assert.equal(wire.template_name, name);
  assert.equal(wire.views, 1);
  assert.equal(wire.tracking_hash, undefined, 'the tracking hash is not listed');
});

test('the built-in activation and password reset mails work out of the box', async () => {
  const email = `reset.${unique}@example.com`;
  const anonymous = client();
  await anonymous.users.createAccount({ firstName: 'Rita', lastName: 'Reset', email, password: 'Old-pass-1',
    phoneNumber: '+3212345678', language: 'EN' });
  const hashIn = (mail) => `${mail.text ?? ''} ${mail.html ?? ''}`.match(/\b[0-9a-f]{32,64}\b/)[0];

  const [activation] = await received(email, 1);
  assert.equal(activation.subject, 'Activate your account');
  assert.match(activation.text, /Rita/);
  assert.equal(await anonymous.users.validateEmailActivation({ hash: hashIn(activation) }), true);

  assert.equal(await anonymous.users.requestPasswordReset(email), true);
  const reset = (await received(email, 2)).find((m) => m.subject === 'Reset your password');
  assert.ok(reset, 'a reset mail');
  assert.notEqual(hashIn(reset), hashIn(activation));
  assert.equal(await anonymous.users.validatePasswordReset({ hash: hashIn(reset), newPassword: 'New-pass-2' }), true);

  const user = client();
  await user.auth.authenticate({ username: email, password: 'New-pass-2' });
  assert.equal((await user.users.me()).email, email);
  await assert.rejects(client().auth.authenticate({ username: email, password: 'Old-pass-1' }));
});
