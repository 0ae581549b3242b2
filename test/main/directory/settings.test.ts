// DirectorySettings: defaults, and every bad value refused with DIRECTORY_CONFIG.
// Also the small helpers around them: the workstation id file and the address probe.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeClock } from '../../../main/util/fake-clock.js';
import { directoryHost, sourceAddressToward, watchAddress } from '../../../main/directory/address.js';
import { DirectoryError } from '../../../main/directory/errors.js';
import { DEFAULT_USER_FILTER, directorySettings, type DirectorySettingsInput } from '../../../main/directory/settings.js';
import { loadOrCreateWorkstationId } from '../../../main/directory/workstation-id.js';
import { tempDir } from '../../helpers/documents.js';

const base: DirectorySettingsInput = { urls: ['ldaps://dc1.corp.example'], baseDn: 'DC=corp,DC=example' };

describe('directorySettings', () => {
  test('defaults', () => {
    assert.deepEqual({ ...directorySettings(base) }, {
      urls: ['ldaps://dc1.corp.example'],
      baseDn: 'DC=corp,DC=example',
      userFilter: DEFAULT_USER_FILTER,
      bindDnTemplate: null,
      startTls: 'required',
      caFile: null,
      connectTimeoutMs: 5000,
      operationTimeoutMs: 10000,
      attribute: 'otherLoginWorkstations',
    });
    assert.ok(Object.isFrozen(directorySettings(base)));
  });

  const bad: Array<[string, Partial<DirectorySettingsInput>]> = [
    ['no URL', { urls: [] }],
    ['https URL', { urls: ['https://dc1'] }],
    ['URL with a path', { urls: ['ldaps://dc1/dc=x'] }],
    ['URL with credentials', { urls: ['ldap://u:p@dc1'] }],
    ['not a URL', { urls: ['dc1.corp.example'] }],
    ['empty base DN', { baseDn: '  ' }],
    ['filter without {user}', { userFilter: '(uid=alice)' }],
    ['filter that does not parse', { userFilter: '(uid={user}' }],
    ['bind template without {user}', { bindDnTemplate: 'cn=admin,dc=x' }],
    ['unknown StartTLS policy', { startTls: 'optional' as 'none' }],
    ['attribute with a space', { attribute: 'other Login' }],
    ['timeout too small', { connectTimeoutMs: 5 }],
    ['timeout not whole', { operationTimeoutMs: 1000.5 }],
  ];
  for (const [why, over] of bad) {
    test(`refused: ${why}`, () => {
      assert.throws(() => directorySettings({ ...base, ...over }), (e: unknown) => e instanceof DirectoryError && e.code === 'DIRECTORY_CONFIG');
    });
  }

  test('a custom filter and an OID attribute are accepted', () => {
    const s = directorySettings({ ...base, userFilter: '(&(objectClass=user)(sAMAccountName={user}))', attribute: '1.2.840.113556.1.4.91', startTls: 'none' });
    assert.equal(s.attribute, '1.2.840.113556.1.4.91');
    assert.equal(s.startTls, 'none');
  });
});

describe('workstation id', () => {
  test('made once, then read back; a damaged file is replaced', async () => {
    const dir = await tempDir('wsid');
    try {
      const a = await loadOrCreateWorkstationId(join(dir.path, 'data'));
      assert.match(a, /^[0-9a-f-]{36}$/);
      assert.equal(await loadOrCreateWorkstationId(join(dir.path, 'data')), a);
      await writeFile(join(dir.path, 'data', 'workstation-id'), 'not a valid id!\n');
      const b = await loadOrCreateWorkstationId(join(dir.path, 'data'));
      assert.notEqual(b, a);
      assert.equal((await readFile(join(dir.path, 'data', 'workstation-id'), 'utf8')).trim(), b);
    } finally {
      await dir.cleanup();
    }
  });
});

describe('address probe', () => {
  test('the source address towards a host is the interface the OS routes to it', async () => {
    assert.equal(await sourceAddressToward('127.0.0.1', 389), '127.0.0.1');
    assert.equal(await sourceAddressToward('no-such-host.invalid', 389), null);
    assert.equal(directoryHost(['ldaps://[2001:db8::1]:636', 'ldap://x']), '2001:db8::1');
    assert.equal(directoryHost([]), null);
  });

  test('the watcher reports each new address once, on the clock', async () => {
    const clock = new FakeClock(new Date('2030-01-01T00:00:00Z'));
    const answers = ['192.0.2.1', '192.0.2.1', null, '10.8.0.2'];
    const seen: string[] = [];
    let probes = 0;
    const stop = watchAddress({ clock, intervalMs: 30_000, probe: async () => answers[probes++] ?? '10.8.0.2', onChange: (a) => seen.push(a) });
    const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await settle();
    for (let i = 0; i < 4; i += 1) {
      clock.advance(30_000);
      await settle();
    }
    stop();
    clock.advance(60_000);
    await settle();
    assert.deepEqual(seen, ['192.0.2.1', '10.8.0.2']);
    assert.equal(probes, 5);
  });
});
