// electron-builder's own parts, reached through electron-builder (a devDependency): its
// configuration schema, its YAML parser and its glob matcher, so the checks read and
// match the configuration exactly as electron-builder would.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';

const fromBuilder = createRequire(join(REPO_ROOT, 'node_modules', 'electron-builder', 'package.json'));
const appBuilderLibPkg = fromBuilder.resolve('app-builder-lib/package.json');
export const APP_BUILDER_LIB = dirname(appBuilderLibPkg);
const fromLib = createRequire(appBuilderLibPkg);

export const yaml = fromLib('js-yaml') as { load(text: string): unknown };
export const minimatch = (fromLib('minimatch') as { minimatch: (path: string, pattern: string, opts?: { dot?: boolean }) => boolean }).minimatch;

/** electron-builder's validation as `electron-builder` runs it before building. */
export async function builderValidate(config: unknown): Promise<void> {
  const { validateConfiguration } = fromLib('./out/util/config/config.js') as { validateConfiguration(c: unknown, log: unknown): Promise<void> };
  const { DebugLogger } = fromLib('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(config, new DebugLogger(false));
}

export async function builderSchema(): Promise<unknown> {
  return JSON.parse(await readFile(join(APP_BUILDER_LIB, 'scheme.json'), 'utf8'));
}

export interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  extraMetadata: { main: string };
  afterPack: string;
  [k: string]: unknown;
}

export async function loadBuilderConfig(): Promise<BuilderConfig> {
  return yaml.load(await readFile(join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}
