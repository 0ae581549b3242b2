import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeConfig } from '../../../main/config/describe.js';
import { defaultConfig, parseConfig } from '../../../main/config/parse-config.js';
import { resolvePaths } from '../../../main/config/paths.js';
import { leafPaths } from '../../../main/config/schema.js';

const paths = { ...resolvePaths({ env: {}, platform: 'linux', homedir: '/home/ann', cwd: '/' }), configFile: '/etc/pullprint/configuration.xml' };

describe('describeConfig', () => {
  test('the embedded default: every value from the defaults, the local mode described under LocalMode', () => {
    const entries = describeConfig(defaultConfig({ platform: 'linux', paths }));
    const byPath = new Map(entries.map((e) => [e.path, e]));
    assert.deepEqual(byPath.get('(configuration file)'), { path: '(configuration file)', value: null, source: 'resolved' });
    assert.deepEqual(byPath.get('(data folder)'), { path: '(data folder)', value: '/home/ann/.local/share/pullprint', source: 'resolved' });
    assert.deepEqual(byPath.get('LocalMode/CaptureSettings/LoopbackPort'), { path: 'LocalMode/CaptureSettings/LoopbackPort', value: 9167, source: 'default' });
    assert.equal(byPath.get('LocalMode/ReleaseSettings/EsfListenerPort')?.value, 9443);
    assert.equal(byPath.get('LocalMode/ReleaseSettings/UseSSL')?.value, true);
    assert.deepEqual(byPath.get('LocalMode/ReleaseSettings/ListenAddress'), { path: 'LocalMode/ReleaseSettings/ListenAddress', value: '::', source: 'default' });
    assert.equal(byPath.get('LocalMode/ReleaseSettings/CertificateFile')?.value, null);
    assert.equal(byPath.get('LocalMode/ReleaseSettings/KeyFile')?.value, null);
    assert.equal(byPath.get('DeleteJobTrackerSettings/ServerSettings/CAFile')?.value, null);
    assert.equal(byPath.get('Logger/LoggingEnabled')?.value, false);
    assert.equal(byPath.get('Logger/LogFilePath')?.value, '/home/ann/.local/state/pullprint/pullprint.log');
    assert.deepEqual(byPath.get('DeleteJobTrackerSettings/SendInterval/Daily')?.value, ['1200']);
    assert.deepEqual(byPath.get('DeleteJobTrackerSettings/SendInterval/Weekly/Day')?.value, []);
    assert.equal(byPath.get('DeleteJobTrackerSettings/OtherSettings/SiteName')?.value, null);
    assert.ok(entries.filter((e) => !e.path.startsWith('(')).every((e) => e.source === 'default'));
  });

  test('a file: each written value points at its line; repeated elements are listed one by one', () => {
    const xml = [
      '<Configuration>',
      '  <LPMServerSettings>',
      '    <ServerSettings><ServerIP>Print.Example.com/api/</ServerIP></ServerSettings>',
      '    <IDPServerSettings><ServerIP>idp.example.com</ServerIP><UseSSL>false</UseSSL></IDPServerSettings>',
      '  </LPMServerSettings>',
      '  <DeleteJobTrackerSettings><SendInterval>',
      '    <Daily>0700</Daily>',
      '    <Daily>1930</Daily>',
      '  </SendInterval></DeleteJobTrackerSettings>',
      '</Configuration>',
    ].join('\n');
    const c = parseConfig(xml, { platform: 'linux', paths });
    const entries = describeConfig(c);
    const get = (p: string) => entries.find((e) => e.path === p);
    assert.deepEqual(get('LPMServerSettings/ServerSettings/ServerIP'), { path: 'LPMServerSettings/ServerSettings/ServerIP', value: 'print.example.com/api', source: 'file:3' });
    assert.deepEqual(get('LPMServerSettings/IDPServerSettings/UseSSL'), { path: 'LPMServerSettings/IDPServerSettings/UseSSL', value: false, source: 'file:4' });
    assert.deepEqual(get('LPMServerSettings/ServerSettings/ServerPort'), { path: 'LPMServerSettings/ServerSettings/ServerPort', value: 443, source: 'default' });
    assert.deepEqual(get('DeleteJobTrackerSettings/SendInterval/Daily[1]'), { path: 'DeleteJobTrackerSettings/SendInterval/Daily[1]', value: '0700', source: 'file:7' });
    assert.deepEqual(get('DeleteJobTrackerSettings/SendInterval/Daily[2]'), { path: 'DeleteJobTrackerSettings/SendInterval/Daily[2]', value: '1930', source: 'file:8' });
    assert.equal(get('DeleteJobTrackerSettings/SendInterval/Daily'), undefined);
    assert.equal(get('LPMServerSettings/CaptureSettings/MaxJobSizeMiB')?.value, 4096);
    assert.equal(get('Logger/LoggingEnabled')?.value, false);
  });

  test('with all three modes, every schema element appears exactly once (repeatables unindexed when defaulted)', () => {
    const xml = `<Configuration>
      <LPMServerlessADSettings><CaptureSettings><LoopbackPort>9170</LoopbackPort></CaptureSettings><ReleaseSettings><EsfListenerPort>9444</EsfListenerPort></ReleaseSettings></LPMServerlessADSettings>
      <LPMServerlessSettings><ServerSettings><ServerIP>a.example.com</ServerIP></ServerSettings><ServerAPISettings><IDPServerSettings><ServerIP>b.example.com</ServerIP></IDPServerSettings></ServerAPISettings></LPMServerlessSettings>
      <LPMServerSettings><ServerSettings><ServerIP>a.example.com</ServerIP></ServerSettings><IDPServerSettings><ServerIP>b.example.com</ServerIP></IDPServerSettings></LPMServerSettings>
    </Configuration>`;
    const described = describeConfig(parseConfig(xml, { platform: 'linux', paths })).map((e) => e.path).filter((p) => !p.startsWith('('));
    assert.deepEqual([...described].sort(), leafPaths().sort());
  });

  test('the additions: scopes as written, timeouts in seconds, URLs one by one, an absent Directory as no URL and nulls', () => {
    const xml = [
      '<Configuration>',
      '  <LPMServerlessADSettings><ServerSettings><Directory>',
      '    <URL>ldaps://dc1.corp.example</URL>',
      '    <URL>ldaps://dc2.corp.example</URL>',
      '    <BaseDN>DC=corp,DC=example</BaseDN>',
      '    <OperationTimeoutSeconds>30</OperationTimeoutSeconds>',
      '  </Directory></ServerSettings></LPMServerlessADSettings>',
      '  <LPMServerSettings>',
      '    <ServerSettings><ServerIP>a.example.com</ServerIP></ServerSettings>',
      '    <IDPServerSettings><ServerIP>b.example.com</ServerIP><Scopes>openid  email</Scopes><Resource>print-api</Resource></IDPServerSettings>',
      '  </LPMServerSettings>',
      '</Configuration>',
    ].join('\n');
    const entries = describeConfig(parseConfig(xml, { platform: 'linux', paths }));
    const get = (p: string) => entries.find((e) => e.path === p);
    const D = 'LPMServerlessADSettings/ServerSettings/Directory';
    const I = 'LPMServerSettings/IDPServerSettings';
    assert.deepEqual(get(`${D}/URL[2]`), { path: `${D}/URL[2]`, value: 'ldaps://dc2.corp.example', source: 'file:4' });
    assert.equal(get(`${D}/URL`), undefined);
    assert.deepEqual(get(`${D}/OperationTimeoutSeconds`), { path: `${D}/OperationTimeoutSeconds`, value: 30, source: 'file:6' });
    assert.deepEqual(get(`${D}/ConnectTimeoutSeconds`), { path: `${D}/ConnectTimeoutSeconds`, value: 5, source: 'default' });
    assert.deepEqual(get(`${D}/StartTLS`)?.value, 'required');
    assert.deepEqual(get(`${I}/Scopes`), { path: `${I}/Scopes`, value: 'openid email', source: 'file:10' });
    assert.deepEqual(get(`${I}/Resource`)?.value, 'print-api');
    assert.deepEqual(get(`${I}/ClientId`), { path: `${I}/ClientId`, value: 'pullprint', source: 'default' });
    assert.deepEqual(get(`${I}/UserMatchPolicy`)?.value, 'accept-and-record');
    assert.deepEqual(get('LPMServerSettings/ServerSettings/CAFile'), { path: 'LPMServerSettings/ServerSettings/CAFile', value: null, source: 'default' });

    const none = describeConfig(parseConfig('<Configuration><LPMServerlessADSettings/></Configuration>', { platform: 'linux', paths }));
    const dir = none.filter((e) => e.path.startsWith(`${D}/`));
    assert.deepEqual(dir.map((e) => [e.path.slice(D.length + 1), e.value]), [
      ['URL', []], ['BaseDN', null], ['UserFilter', null], ['BindDNTemplate', null], ['StartTLS', null], ['CAFile', null],
      ['ConnectTimeoutSeconds', null], ['OperationTimeoutSeconds', null],
    ]);
  });
});
