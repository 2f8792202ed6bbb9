// Medbase task-service bootstrap for nodejs* functions.
// argv: codeDir, module (path relative to codeDir, without extension), handler name, result file.
// The task (JSON) arrives on stdin; the outcome is written to the result file as
// {"ok":true,"result":…} or {"ok":false,"error":{"name":…,"message":…}}; stdout/stderr are the task's logs.
'use strict';
const fs = require('fs');
const path = require('path');
const url = require('url');
const [codeDir, modulePath, handlerName, resultFile] = process.argv.slice(2);

function write(outcome) {
  let text;
  try {
    text = JSON.stringify(outcome);
  } catch (e) {
    text = JSON.stringify({ ok: false, error: { name: 'ResultSerializationError', message: String(e && e.message) } });
  }
  fs.writeFileSync(resultFile, text);
}

function failure(e) {
  if (e instanceof Error) {
    return { ok: false, error: { name: e.name || 'Error', message: e.message || String(e) } };
  }
  return { ok: false, error: { name: 'Error', message: typeof e === 'string' ? e : JSON.stringify(e) } };
}

async function load() {
  const file = path.join(codeDir, modulePath);
  try {
    return require(file);
  } catch (e) {
    if (e && e.code === 'ERR_REQUIRE_ESM') {
      for (const ext of ['.mjs', '.js']) {
        if (fs.existsSync(file + ext)) {
          return import(url.pathToFileURL(file + ext).href);
        }
      }
    }
    throw e;
  }
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  let outcome;
  try {
    const event = JSON.parse(input);
    const mod = await load();
    const handler = mod[handlerName] || (mod.default && mod.default[handlerName]);
    if (typeof handler !== 'function') {
      const e = new Error(`Handler '${handlerName}' is not a function exported by '${modulePath}'`);
      e.name = 'HandlerNotFound';
      throw e;
    }
    const result = await handler(event, { functionName: event.functionName, awsRequestId: event.id });
    outcome = { ok: true, result: result === undefined ? null : result };
  } catch (e) {
    outcome = failure(e);
  }
  write(outcome);
  process.exit(0);
});
