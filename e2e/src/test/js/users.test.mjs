// The official Extra Horizon SDK against Medbase's users service, as an app and its admin would use it:
// register → activate (the hash from the activation mail) → log in → me → roles, group roles, enlistments → patients.
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

/** The activation hash from the newest mail to `email` in the devstack's mail viewer. */
async function activationHash(email) {
  for (let i = 0; i < 60; i++) {
    const messages = await (await fetch(`${env.MEDBASE_MAIL_URL}/api/messages?to=${encodeURIComponent(email)}`)).json();
    const text = messages.map((m) => `${m.text ?? ''} ${m.html ?? ''} ${(m.links ?? []).join(' ')}`).join(' ');
    const hash = text.match(/\b[0-9a-f]{32,64}\b/);
    if (hash) return hash[0];
    await sleep(500);
  }
  throw new Error(`no activation mail for ${email}`);
}

test('register, activate from the mail, log in, and manage roles and enlistments', async () => {
  const admin = client();
  await admin.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });

  const email = `patient.${unique}@example.com`;
  const password = 'Patient-pass-1';
  const anonymous = client();
  const created = await anonymous.users.createAccount({
    firstName: 'Pat', lastName: 'Ient', email, password, phoneNumber: '+3212345678', language: 'EN',
  });
  assert.equal(created.email, email);
  assert.equal(created.activation, false);
  assert.ok(created.creationTimestamp instanceof Date);

  assert.equal(await anonymous.users.validateEmailActivation({ hash: await activationHash(email) }), true);

  const patient = client();
  await patient.auth.authenticate({ username: email, password });
  const me = await patient.users.me();
  assert.equal(me.id, created.id);
  assert.equal(me.activation, true);
  assert.equal(me.firstName, 'Pat');

  // a global role with a permission, given to the new user
  const role = await admin.users.globalRoles.create({ name: `reader-${unique}`, description: 'Reads patients' });
  const byId = rqlBuilder().eq('id', role.id).build();
  assert.equal((await admin.users.globalRoles.addPermissions(byId, { permissions: ['VIEW_PATIENTS'] })).affectedRecords, 1);
  assert.equal((await admin.users.globalRoles.addToUsers(rqlBuilder().eq('id', me.id).build(), { roles: [role.id] }))
    .affectedRecords, 1);

  // a group: the admin is staff with a group role, the new user a patient
  const groupId = role.id; // any ObjectId names a group
  const adminId = await admin.raw.userId;
  const groupRole = await admin.users.groupRoles.add(groupId, { name: 'physician', description: 'Treats patients' });
  await admin.users.groupRoles.addPermissions(groupId,
    { permissions: ['VIEW_PATIENTS'] }, { rql: rqlBuilder().eq('id', groupRole.id).build() });
  await admin.users.groupRoles.addUsersToStaff({ groups: [groupId] }, { rql: rqlBuilder().eq('id', adminId).build() });
  await admin.users.groupRoles.assignToStaff(groupId, { roles: [groupRole.id] },
    { rql: rqlBuilder().eq('id', adminId).build() });
  assert.equal((await admin.users.addPatientEnlistment(me.id, { groupId })).affectedRecords, 1);

  // a fresh login carries the new role and group claims
  await admin.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });
  const patients = await admin.users.patients({ rql: rqlBuilder().eq('id', me.id).build() });
  assert.equal(patients.data.length, 1);
  assert.equal(patients.data[0].email, email);
  assert.equal(patients.data[0].patientEnlistments[0].groupId, groupId);

  const reloaded = await patient.users.me();
  assert.ok(reloaded.roles.some((r) => r.id === role.id && r.permissions.some((p) => p.name === 'VIEW_PATIENTS')));
});
