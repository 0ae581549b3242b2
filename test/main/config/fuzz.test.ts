// Mutated and random configuration files: parseConfig either returns a frozen Config or
// throws a ConfigError whose issues each carry a path and a message. Nothing else escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../main/config/config-error.js';
import { parseConfig } from '../../../main/config/parse-config.js';
import { resolvePaths } from '../../../main/config/paths.js';
import { prng } from '../../helpers/prng.js';

const FIXTURES = join(process.env.PULLPRINT_REPO_ROOT ?? process.cwd(), 'test/fixtures/config');
const read = (f: string): string => readFileSync(join(FIXTURES, f), 'utf8');
// The samples with their one fatal mistake each corrected, so that mutants can load too.
const SEEDS: readonly [string, 'win32' | 'darwin' | 'linux'][] = [
  [read('guide-windows.xml').replace('\n</DeleteEmptyFolderSetting>', '\n</DeleteEmptyUserFolderSetting>'), 'win32'],
  [read('guide-macos.xml').replace(/(<LPMServerlessSettings>\s*<CaptureSettings>\s*<LoopbackPort>)9167/, '$19169'), 'darwin'],
  // Every PullPrint addition, so that mutations reach their parsers too.
  [read('additions.xml'), 'linux'],
];
const ITERATIONS = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 3000);
const paths = resolvePaths({ env: {}, platform: 'linux', homedir: '/home/ann', cwd: '/' });


const TOKENS = ['<', '>', '</', '/>', '&', '&amp;', '&#0;', '&#x110000;', ']]>', '<![CDATA[', '<!--', '-->', '"', '%', '%i', '0', '65536', '-1',
  'true', 'TRUE', '>true', '\u0000', '\ufeff', '\r', '\n', '<Daily>', '</Daily>', '<LoopbackPort>', '<?xml version="1.0"?>', '<!DOCTYPE x>',
  '<LPMServerSettings>', '</LPMServerSettings>', 'https://', '[::1]', '\u00e9', '\ud800'];

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const n = 1 + Math.floor(rnd() * 6);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = Math.floor(rnd() * 5);
    if (op === 0) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 20));
    else if (op === 1) s = s.slice(0, at) + TOKENS[Math.floor(rnd() * TOKENS.length)] + s.slice(at);
    else if (op === 2) s = s.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + s.slice(at + 1);
    else if (op === 3) {
      const from = Math.floor(rnd() * s.length);
      s = s.slice(0, at) + s.slice(from, from + Math.floor(rnd() * 200)) + s.slice(at);
    } else s = s.slice(0, at);
  }
  return s;
}

test(`fuzz: ${ITERATIONS} mutated configuration files`, () => {
  const seed = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 2 ** 31);
  const rnd = prng(seed);
  let loaded = 0;
  let rejected = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const [base, platform] = SEEDS[i % SEEDS.length];
    const r = rnd();
    const input = r < 0.05 ? base
      : r < 0.9 ? mutate(base, rnd)
        : Array.from({ length: Math.floor(rnd() * 300) }, () => TOKENS[Math.floor(rnd() * TOKENS.length)]).join('');
    try {
      const c = parseConfig(input, { platform, paths });
      assert.ok(Object.isFrozen(c) && Object.isFrozen(c.modes) && c.modes.length >= 1);
      loaded++;
    } catch (err) {
      if (!(err instanceof ConfigError)) assert.fail(`seed ${seed}, iteration ${i}: ${String(err)}\ninput: ${JSON.stringify(input.slice(0, 500))}`);
      assert.ok(err.issues.length > 0, `seed ${seed}, iteration ${i}: ConfigError without issues`);
      for (const issue of err.issues) {
        assert.ok(issue.path.length > 0 && issue.message.length > 0, `seed ${seed}, iteration ${i}`);
        assert.ok(issue.line === null || issue.line >= 1, `seed ${seed}, iteration ${i}: line ${issue.line}`);
      }
      rejected++;
    }
  }
  // Both outcomes must occur, or the mutations are not exercising the parser.
  assert.ok(loaded > 0 && rejected > 0, `seed ${seed}: loaded ${loaded}, rejected ${rejected}`);
});
