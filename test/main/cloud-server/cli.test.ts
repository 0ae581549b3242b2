// The reference server run alone from its command line, as a demo would: options parsed
// and refused with a message, HTTPS with the test CA, a token from the real provider,
// a clean stop on SIGTERM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CloudClient } from '../../../main/cloud/api-client.js';
import { parseCliOptions, UsageError } from '../../../main/cloud-server/cli-options.js';
import { run, startDaemon, waitFor } from '../../helpers/process.js';
import { ALICE, RESOURCE, startRig, type Rig } from '../cloud/cloud-rig.js';
import { makeDoc } from '../cloud/fixtures.js';

const ROOT = process.env.PULLPRINT_REPO_ROOT ?? process.cwd();
const CLI = join(ROOT, 'main/cloud-server/cli.ts');

describe('cloud-server command line', () => {
  test('options: required ones, defaults, refusals', () => {
    const o = parseCliOptions(['--data-dir', '/tmp/x', '--issuer', 'https://idp.example', '--audience', 'aud']);
    assert.ok(o !== 'help');
    assert.equal(o.port, 8443);
    assert.equal(o.host, '127.0.0.1');
    assert.equal(o.maxDocumentBytes, 4096 * 1024 * 1024);
    assert.equal(o.ownerClaim, 'sub');
    assert.equal(parseCliOptions(['--help']), 'help');
    const refused: Array<[string[], RegExp]> = [
      [['--issuer', 'https://i', '--audience', 'a'], /--data-dir is required/],
      [['--data-dir', 'd', '--issuer', 'ftp://i', '--audience', 'a'], /--issuer must be an http\(s\) URL/],
      [['--data-dir', 'd', '--issuer', 'https://i', '--audience', 'a', '--port', '70000'], /--port must be a whole number/],
      [['--data-dir', 'd', '--issuer', 'https://i', '--audience', 'a', '--tls-cert', 'c'], /go together/],
      [['--data-dir', 'd', '--issuer', 'https://i', '--audience', 'a', '--owner-claim', 'name'], /sub or email/],
      [['--data-dir', 'd', '--issuer', 'https://i', '--audience', 'a', '--base-path', 'cpm'], /must start with \//],
      [['--data-dir', 'd', '--bogus'], /Unknown option/],
    ];
    for (const [args, msg] of refused) assert.throws(() => parseCliOptions(args), (e: Error) => e instanceof UsageError && msg.test(e.message), args.join(' '));
  });

  test('a bad option exits 2 with the usage', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', CLI, '--port', 'x'], { cwd: ROOT, timeoutMs: 30_000 });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: cloud-server/);
  });

  describe('running', () => {
    let rig: Rig;
    before(async () => {
      rig = await startRig();
    });
    after(() => rig?.stop());

    test('serves API v3 over HTTPS under a base path and stops on SIGTERM', async () => {
      const dataDir = await rig.tempDir('cli-');
      const pki = rig.idp.pki;
      const d = startDaemon(process.execPath, ['--import', 'tsx', CLI,
        '--data-dir', dataDir, '--issuer', rig.idp.issuer, '--audience', RESOURCE, '--ca-file', pki.caFile,
        '--tls-cert', join(pki.dir, 'server.pem'), '--tls-key', join(pki.dir, 'server.key'),
        '--port', '0', '--base-path', '/cpm', '--max-document-mib', '1'], { cwd: ROOT });
      try {
        const line = await waitFor('listening line', () => /listening on (https:\/\/\S+)\/v3\//.exec(d.output())?.[1], 30_000);
        const url = new URL(line);
        assert.equal(url.pathname, '/cpm');
        const client = new CloudClient({ server: { host: url.hostname, port: Number(url.port), path: '/cpm', useSsl: true }, apiVersion: '3.0', ca: pki.caPem });
        try {
          assert.equal((await client.capabilities()).limits.maxDocumentBytes, 1024 * 1024);
          const token = (await rig.signIn(ALICE)).accessToken;
          const doc = await makeDoc(dataDir, 'doc.bin', 2048);
          await client.uploadDocument(token, 'cli-job', doc.meta, doc.path);
          assert.deepEqual((await client.listJobs(token)).map((j) => j.key), ['cli-job']);
        } finally {
          await client.close();
        }
        d.child.kill('SIGTERM');
        await waitFor('exit', () => d.exited(), 10_000);
        assert.equal(d.child.exitCode, 0, d.output());
      } finally {
        await d.stop();
      }
    });
  });
});
