import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cliArgsOf } from '../../../main/ui/cli-dispatch.js';
import { DEFAULT_PREFERENCES, PREFERENCES_JSON_SCHEMA, readPreferences } from '../../../main/ui/preferences.js';

describe('preferences', () => {
  test('valid values are kept, anything else takes its default value by value', () => {
    assert.deepEqual(readPreferences({ notifications: false, openAtLogin: false }), { notifications: false, openAtLogin: false });
    assert.deepEqual(readPreferences({ notifications: 'no', openAtLogin: false, extra: 1 }), { notifications: true, openAtLogin: false });
    for (const junk of [null, undefined, 42, 'x', [], { notifications: 0 }]) assert.deepEqual(readPreferences(junk), DEFAULT_PREFERENCES);
    assert.deepEqual(Object.keys(PREFERENCES_JSON_SCHEMA).sort(), Object.keys(DEFAULT_PREFERENCES).sort());
  });
});

describe('command line inside the app executable', () => {
  test('everything after --cli is the pullprint command; Chromium switches before it are not', () => {
    assert.deepEqual(cliArgsOf(['/opt/PullPrint/pullprint', '--no-sandbox', '--cli', 'queue', 'install', '--dry-run']), ['queue', 'install', '--dry-run']);
    assert.deepEqual(cliArgsOf(['electron', '.', '--cli', 'status', '--json']), ['status', '--json']);
    assert.deepEqual(cliArgsOf(['PullPrint.exe', '--cli']), []);
    assert.equal(cliArgsOf(['PullPrint.exe']), null);
    assert.equal(cliArgsOf(['PullPrint.exe', '--hidden']), null);
    assert.equal(cliArgsOf(['--cli']), null, 'argv[0] is the executable, never the marker');
  });
});
