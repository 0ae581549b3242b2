// Runs the reference cloud server alone: `node --import tsx main/cloud-server/cli.ts
// --data-dir DIR --issuer URL --audience AUD [...]`. Prints one line with the URL once
// listening; stops cleanly on SIGINT / SIGTERM.

import { readFile } from 'node:fs/promises';
import { createLogger } from '../log/logger.js';
import { parseCliOptions, USAGE, UsageError } from './cli-options.js';
import { startCloudServer } from './server.js';

async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseCliOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`cloud-server: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const read = async (path: string, what: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read the ${what} ${path} (${err && typeof err === 'object' && 'code' in err ? String(err.code) : 'error'})`);
    }
  };
  let server;
  try {
    const tls = opts.tlsCert && opts.tlsKey ? { cert: await read(opts.tlsCert, 'TLS certificate'), key: await read(opts.tlsKey, 'TLS key') } : null;
    server = await startCloudServer({
      dataDir: opts.dataDir,
      host: opts.host,
      port: opts.port,
      basePath: opts.basePath,
      tls,
      auth: {
        issuer: opts.issuer,
        audience: opts.audience,
        ca: opts.caFile ? await read(opts.caFile, 'CA file') : null,
        jwksUri: opts.jwksUri,
        ownerClaim: opts.ownerClaim,
        clockToleranceSeconds: 30,
      },
      limits: { maxDocumentBytes: opts.maxDocumentBytes },
      logger: createLogger({ file: null, loggingEnabled: true, console: true }),
    });
  } catch (err) {
    process.stderr.write(`cloud-server: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (!opts.tlsCert) process.stderr.write('cloud-server: serving plain HTTP (no --tls-cert): for tests and demos only\n');
  process.stdout.write(`cloud-server listening on ${server.origin}/v3/\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  process.stderr.write(`cloud-server: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
