import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('..', import.meta.url));

async function lint(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

const VIOLATIONS = [
  "import { app } from 'electron';\nexport const x = app;\n",
  "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;\n",
  "import { ipcMain } from 'electron/main';\nexport const y = ipcMain;\n",
];

test('the engine may not import electron', async () => {
  for (const file of ['main/capture/bad.ts', 'main/core/bad.ts', 'main/spool/deep/bad.ts']) {
    for (const code of VIOLATIONS) {
      const msgs = await lint(file, code);
      assert.ok(msgs.some((m) => m.startsWith('no-restricted-imports') && /only main\/shell\//i.test(m)), `${file}: ${msgs.join(' | ')}`);
    }
  }
});

test('the shell may import electron', async () => {
  const msgs = await lint('main/shell/tray.ts', VIOLATIONS[0]);
  assert.deepEqual(msgs.filter((m) => m.startsWith('no-restricted-imports')), []);
});

test('ordinary engine code passes', async () => {
  const msgs = await lint('main/core/fine.ts', "import { join } from 'node:path';\nexport const p = join('a', 'b');\n");
  assert.deepEqual(msgs, []);
});
