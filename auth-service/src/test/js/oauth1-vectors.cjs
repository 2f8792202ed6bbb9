// Prints the OAuth1 vectors of OAuth1SignatureTest: Authorization headers computed by the official SDK's own signing
// code (getOAuth1AuthorizationHeader, internal to @extrahorizon/javascript-sdk 8.14.1 build/index.cjs.js) over URLs
// whose RQL the SDK's rqlBuilder made, with Math.random (seeded) and Date.now pinned. One line per vector:
// method|url|consumerSecret|tokenSecret|header
// Usage (the e2e module installs the SDK): node oauth1-vectors.cjs e2e/target/js/node_modules/@extrahorizon/javascript-sdk
const fs = require('fs');
const path = require('path');
const Module = require('module');

const file = path.join(path.resolve(process.argv[2]), 'build', 'index.cjs.js');
const sdk = new Module(file, module);
sdk.filename = file;
sdk.paths = Module._nodeModulePaths(path.dirname(file));
sdk._compile(`${fs.readFileSync(file, 'utf8')}\nmodule.exports.__sign = getOAuth1AuthorizationHeader;`, file);
const { __sign: sign, rqlBuilder } = sdk.exports;

let seed = 42;
Math.random = () => {
  seed = (seed * 16807) % 2147483647;
  return (seed - 1) / 2147483646;
};
Date.now = () => Date.parse('2026-03-01T10:00:00Z');

const cases = [
  ['POST', 'http://localhost:8080/auth/v2/oauth1/tokens', 'cs', null],
  ['GET', `http://localhost:8080/data/v1/schema1/documents${rqlBuilder().select(['id', 'data.name'])
    .eq('data.name', 'John Doe').limit(10).build()}`, 'cs', 'ts'],
  ['GET', `http://localhost:8080/data/v1/bp/documents${rqlBuilder().eq('data.label', 'low (morning)')
    .gt('data.reading', 100).sort('-data.reading').build()}`, 'cs', 'ts'],
  ['PUT', `http://localhost:8080/data/v1/bp/documents/5f0c1a2b3c4d5e6f7a8b9c0d${rqlBuilder().eq('status', 'new')
    .build()}`, 'c&s', 't=s'],
  ['GET', `http://localhost:8080/users/v1/${rqlBuilder().in('email', ['a+b@example.com', 'zoë@example.com'])
    .build()}`, 'cs', 'ts'],
  ['GET', 'https://api.example.com:443/users/v1/me', 'c s!', 't*s'],
];
for (const [method, url, consumerSecret, tokenSecret] of cases) {
  const header = sign({ method, url, consumer: { key: 'ck', secret: consumerSecret },
    tokenData: tokenSecret ? { key: 'tok', secret: tokenSecret } : undefined });
  console.log([method, url, consumerSecret, tokenSecret ?? '', header.Authorization].join('|'));
}
