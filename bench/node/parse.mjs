// Parse Server, the peer of bench/compare.sh: one Node process serving /parse on the given port, storing in the same
// MongoDB-wire server as Medbase (database "parse"). Usage: node parse.mjs <port> <mongo-uri> <app-id> <master-key>
import express from 'express';
import { ParseServer } from 'parse-server';

const [port, databaseURI, appId, masterKey] = process.argv.slice(2);
const server = new ParseServer({
  databaseURI,
  appId,
  masterKey,
  serverURL: `http://127.0.0.1:${port}/parse`,
  // Classes are made by the bench with the master key (a schema with typed fields); clients may not add any.
  allowClientClassCreation: false,
  enforcePrivateUsers: true,
  logLevel: 'warn',
  verbose: false,
  silent: true,
  // its log files go to the run's directory (PARSE_LOGS, set by compare.sh), never into the repository
  logsFolder: process.env.PARSE_LOGS || `${process.env.TMPDIR || '/tmp'}/parse-logs`,
  // No per-address rate limit is configured by default; masterKeyIps open to loopback for the setup calls.
  masterKeyIps: ['127.0.0.1', '::1'],
});
await server.start();
const app = express();
app.use('/parse', server.app);
app.listen(Number(port), '127.0.0.1', () => console.log(`parse-server listening on ${port}`));
