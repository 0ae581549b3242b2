import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePaths, type PathInputs } from '../../../main/config/paths.js';

const WIN: Omit<PathInputs, 'env'> = { platform: 'win32', homedir: 'C:\\Users\\ann', cwd: 'D:\\work' };
const MAC: Omit<PathInputs, 'env'> = { platform: 'darwin', homedir: '/Users/ann', cwd: '/Users/ann/work' };
const LIN: Omit<PathInputs, 'env'> = { platform: 'linux', homedir: '/home/ann', cwd: '/home/ann/work' };

describe('platform defaults', () => {
  const rows: readonly [string, PathInputs, { configFile: string; dataDir: string; logFile: string }][] = [
    ['Windows with its usual environment', { ...WIN, env: { ProgramData: 'C:\\ProgramData', LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' } }, {
      configFile: 'C:\\ProgramData\\PullPrint\\configuration.xml',
      dataDir: 'C:\\Users\\ann\\AppData\\Local\\PullPrint',
      logFile: 'C:\\Users\\ann\\AppData\\Local\\PullPrint\\logs\\pullprint.log',
    }],
    ['Windows: variable names are case-insensitive', { ...WIN, env: { PROGRAMDATA: 'E:\\PD', localappdata: 'E:\\LAD' } }, {
      configFile: 'E:\\PD\\PullPrint\\configuration.xml',
      dataDir: 'E:\\LAD\\PullPrint',
      logFile: 'E:\\LAD\\PullPrint\\logs\\pullprint.log',
    }],
    ['Windows without the variables', { ...WIN, env: {} }, {
      configFile: 'C:\\ProgramData\\PullPrint\\configuration.xml',
      dataDir: 'C:\\Users\\ann\\AppData\\Local\\PullPrint',
      logFile: 'C:\\Users\\ann\\AppData\\Local\\PullPrint\\logs\\pullprint.log',
    }],
    ['macOS', { ...MAC, env: { XDG_DATA_HOME: '/ignored/on/macos' } }, {
      configFile: '/Library/Application Support/PullPrint/configuration.xml',
      dataDir: '/Users/ann/Library/Application Support/PullPrint',
      logFile: '/Users/ann/Library/Logs/PullPrint/pullprint.log',
    }],
    ['Linux without XDG variables', { ...LIN, env: {} }, {
      configFile: '/etc/pullprint/configuration.xml',
      dataDir: '/home/ann/.local/share/pullprint',
      logFile: '/home/ann/.local/state/pullprint/pullprint.log',
    }],
    ['Linux with XDG variables', { ...LIN, env: { XDG_DATA_HOME: '/data/ann', XDG_STATE_HOME: '/state/ann' } }, {
      configFile: '/etc/pullprint/configuration.xml',
      dataDir: '/data/ann/pullprint',
      logFile: '/state/ann/pullprint/pullprint.log',
    }],
    ['Linux: relative or empty XDG values are ignored, as the XDG spec says', { ...LIN, env: { XDG_DATA_HOME: 'rel/data', XDG_STATE_HOME: '' } }, {
      configFile: '/etc/pullprint/configuration.xml',
      dataDir: '/home/ann/.local/share/pullprint',
      logFile: '/home/ann/.local/state/pullprint/pullprint.log',
    }],
  ];
  for (const [name, input, expected] of rows) {
    test(name, () => {
      const p = resolvePaths(input);
      assert.deepEqual({ configFile: p.configFile, dataDir: p.dataDir, logFile: p.logFile }, expected);
      assert.equal(p.configFileFrom, 'platform-default');
      assert.equal(p.dataDirFrom, 'platform-default');
    });
  }
});

describe('lookup order: flag, then environment, then platform default', () => {
  const env = { PULLPRINT_CONFIG: '/env/configuration.xml', PULLPRINT_DATA_DIR: '/env/data' };

  test('the flags win over the environment', () => {
    const p = resolvePaths({ ...LIN, env, configPath: '/flag/c.xml', dataDir: '/flag/data' });
    assert.deepEqual([p.configFile, p.configFileFrom, p.dataDir, p.dataDirFrom], ['/flag/c.xml', 'flag', '/flag/data', 'flag']);
  });

  test('the environment wins over the platform default', () => {
    const p = resolvePaths({ ...LIN, env });
    assert.deepEqual([p.configFile, p.configFileFrom, p.dataDir, p.dataDirFrom], ['/env/configuration.xml', 'env', '/env/data', 'env']);
  });

  test('each path is looked up on its own', () => {
    const p = resolvePaths({ ...LIN, env: { PULLPRINT_DATA_DIR: '/env/data' }, configPath: '/flag/c.xml' });
    assert.deepEqual([p.configFileFrom, p.dataDirFrom], ['flag', 'env']);
  });

  test('empty flags and variables count as unset', () => {
    const p = resolvePaths({ ...LIN, env: { PULLPRINT_CONFIG: '', PULLPRINT_DATA_DIR: '' }, configPath: '', dataDir: '' });
    assert.deepEqual([p.configFileFrom, p.dataDirFrom], ['platform-default', 'platform-default']);
  });

  test('relative paths are taken from the working directory, per platform', () => {
    assert.equal(resolvePaths({ ...LIN, env: {}, configPath: 'conf/c.xml' }).configFile, '/home/ann/work/conf/c.xml');
    assert.equal(resolvePaths({ ...WIN, env: { PULLPRINT_DATA_DIR: 'data' } }).dataDir, 'D:\\work\\data');
    assert.equal(resolvePaths({ ...MAC, env: {}, dataDir: '../d' }).dataDir, '/Users/ann/d');
  });
});
