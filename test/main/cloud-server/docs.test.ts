// The published contract cannot drift from the reference server: every error code the
// server can answer is documented in docs/cloud-api.md and the OpenAPI document, and
// every route the server serves is in the OpenAPI document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = process.env.PULLPRINT_REPO_ROOT ?? process.cwd();

test('every server error code and route is documented', async () => {
  const dir = join(ROOT, 'main/cloud-server');
  let source = '';
  for (const f of await readdir(dir)) if (f.endsWith('.ts')) source += await readFile(join(dir, f), 'utf8');
  const codes = new Set<string>();
  for (const m of source.matchAll(/new ApiError\(\s*\d{3},\s*'([A-Z_]+)'/g)) codes.add(m[1]);
  for (const m of source.matchAll(/unauthorized\('([A-Z_]+)'|'(MISSING_TOKEN|INVALID_TOKEN|TOKEN_EXPIRED)'/g)) codes.add(m[1] ?? m[2]);
  codes.add('NOT_FOUND');
  assert.ok(codes.size >= 20, `found only ${codes.size} codes: the pattern no longer matches the source`);
  const prose = await readFile(join(ROOT, 'docs/cloud-api.md'), 'utf8');
  const openapi = await readFile(join(ROOT, 'docs/cloud-api.openapi.yaml'), 'utf8');
  for (const c of codes) {
    assert.ok(prose.includes(`\`${c}\``), `docs/cloud-api.md does not mention ${c}`);
    assert.ok(openapi.includes(c), `docs/cloud-api.openapi.yaml does not mention ${c}`);
  }
  for (const route of ['/capabilities:', '/jobs:', '/jobs/{key}:', '/jobs/{key}/document:', '/jobs/{key}/registration:']) {
    assert.ok(openapi.includes(`\n  ${route}`), `OpenAPI lacks ${route}`);
  }
  assert.match(openapi, /^openapi: 3\.1\.\d/m);
});
