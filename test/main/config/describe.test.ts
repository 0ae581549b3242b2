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
});
