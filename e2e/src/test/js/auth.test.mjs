// The official Extra Horizon SDK against Medbase: log in, call, let the access token expire, call again.
// Run by dev.medbase.e2e.SdkIT with MEDBASE_URL, MEDBASE_CLIENT_ID/SECRET, MEDBASE_ADMIN_EMAIL/PASSWORD and
// MEDBASE_TOKEN_LIFETIME_MS (the stack's short access-token lifetime).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOAuth2Client, InvalidGrantError, AuthenticationError } from '@extrahorizon/javascript-sdk';

const env = process.env;
const host = env.MEDBASE_URL; // must contain "localhost": the SDK rewrites other hosts to https://api.<host>
const lifetimeMs = Number(env.MEDBASE_TOKEN_LIFETIME_MS);
const CLOCK_SKEW_MS = 5000; // the gateway and services accept a token this long past its expiry
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function client(options = {}) {
  return createOAuth2Client({ host, clientId: env.MEDBASE_CLIENT_ID, clientSecret: env.MEDBASE_CLIENT_SECRET, ...options });
}

test('authenticate, call, refresh proactively after expiry, call again', async () => {
  const refreshed = [];
  const exh = client({ freshTokensCallback: (tokens) => refreshed.push(tokens) });
  await exh.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });
  assert.match(await exh.raw.userId, /^[0-9a-f]{24}$/);
  assert.equal(refreshed.length, 1);

  const first = await exh.auth.applications.get();
  assert.ok(first.page.total >= 1);
  assert.equal(first.data.find((a) => a.confidential)?.type, 'oauth2');

  await sleep(lifetimeMs + 1000);
  const again = await exh.auth.applications.get();
  assert.equal(again.page.total, first.page.total);
  assert.equal(refreshed.length, 2, 'the SDK refreshed its tokens once');
  assert.notEqual(refreshed[1].accessToken, refreshed[0].accessToken);
});

test('an expired access token answers 118 and the SDK refreshes and replays the call', async () => {
  const login = client();
  const tokens = await login.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });
  await sleep(lifetimeMs + CLOCK_SKEW_MS + 1000);

  // A client that does not know when its token expires finds out from the server (code 118), like an app
  // restored from stored tokens.
  const refreshed = [];
  const exh = client({
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    freshTokensCallback: (fresh) => refreshed.push(fresh),
  });
  const applications = await exh.auth.applications.get();
  assert.ok(applications.page.total >= 1);
  assert.equal(refreshed.length, 1, 'one refresh_token grant after the 118');
});

test('concurrent calls after expiry all succeed (refresh grace window)', async () => {
  const exh = client();
  await exh.auth.authenticate({ username: env.MEDBASE_ADMIN_EMAIL, password: env.MEDBASE_ADMIN_PASSWORD });
  await sleep(lifetimeMs + 1000);
  const results = await Promise.all([1, 2, 3].map(() => exh.auth.applications.get()));
  results.forEach((r) => assert.ok(r.page.total >= 1));
});

test('wrong password is an InvalidGrantError with the ExH authentication error', async () => {
  const exh = client();
  await assert.rejects(
    exh.auth.authenticate({ username: 'nobody@example.com', password: 'wrong-password-1' }),
    (error) => {
      assert.ok(error instanceof InvalidGrantError, `got ${error.constructor.name}`);
      assert.ok(error.exhError instanceof AuthenticationError, `got ${error.exhError?.constructor.name}`);
      return true;
    },
  );
});
