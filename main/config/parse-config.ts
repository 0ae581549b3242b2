// configuration.xml text → Config. Syntax errors stop at once (there is no tree to
// check); otherwise every value and cross-element rule is checked and all problems are
// thrown together in one ConfigError.
import { buildCloud, buildHybrid, buildLocal, buildServerlessAd } from './build-modes.js';
import { buildLogger, buildMisc, buildTracker } from './build-settings.js';
import { ConfigError } from './config-error.js';
import { checkCertificates, checkPorts, checkTracker } from './cross-checks.js';
import { deepFreeze } from './deep-freeze.js';
import { parseXml } from './parse-xml.js';
import type { ResolvedPaths } from './paths.js';
import { readTree, type ReadTree } from './read-tree.js';
import { SECTION_AD, SECTION_CLOUD, SECTION_HYBRID } from './schema.js';
import { normalizeText } from './text-position.js';
import type { Config, Mode, Platform } from './types.js';
import { ValueReader } from './value-reader.js';

export interface ParseOptions {
  readonly platform: Platform;
  /** Where the file was found and the per-user defaults (data folder, log file). */
  readonly paths: ResolvedPaths;
  /** Used in messages; defaults to paths.configFile. */
  readonly fileName?: string;
}

/** Throws ConfigError (code CONFIG_INVALID) listing every problem in the file. */
export function parseConfig(xml: string, opts: ParseOptions): Config {
  const fileName = opts.fileName ?? opts.paths.configFile;
  const parsed = parseXml(normalizeText(xml));
  if (!parsed.ok) throw new ConfigError('CONFIG_INVALID', fileName, parsed.issues);
  const tree = readTree(parsed.root, fileName);
  const warnings = [...tree.warnings];
  const r = new ValueReader(tree);
  tree.issues.forEach((i) => r.add(i));
  // A file without any mode section runs the local mode, like no file at all.
  const modes = buildModes(r, tree, opts.platform);
  const config = assemble(r, opts, modes, opts.paths.configFile, warnings);
  if (r.issues.length > 0) throw new ConfigError('CONFIG_INVALID', fileName, sortIssues(r.issues), warnings);
  return config;
}

/** The embedded default of SPEC §2, used when the platform-default file does not exist. */
export function defaultConfig(opts: { readonly platform: Platform; readonly paths: ResolvedPaths }): Config {
  const r = new ValueReader(null);
  return assemble(r, opts, [buildLocal(r, opts.platform)], null, []);
}

function buildModes(r: ValueReader, tree: ReadTree, platform: Platform): Mode[] {
  const modes: Mode[] = [];
  // SPEC order: serverless-ad, hybrid, cloud.
  if (tree.groups.has(SECTION_AD)) modes.push(buildServerlessAd(r, platform));
  if (tree.groups.has(SECTION_HYBRID)) modes.push(buildHybrid(r, platform));
  if (tree.groups.has(SECTION_CLOUD)) modes.push(buildCloud(r, platform));
  if (modes.length === 0) modes.push(buildLocal(r, platform));
  return modes;
}

function assemble(r: ValueReader, opts: ParseOptions, modes: Mode[], configFile: string | null, warnings: string[]): Config {
  const tracker = buildTracker(r, opts.platform);
  const config: Config = {
    platform: opts.platform,
    paths: { configFile, dataDir: opts.paths.dataDir },
    logger: buildLogger(r, opts.platform, opts.paths.logFile),
    modes,
    tracker,
    ...buildMisc(r),
    sources: r.sources,
    warnings,
  };
  checkPorts(r, modes);
  checkCertificates(r, modes);
  checkTracker(r, tracker);
  // Warnings about values come after those about the file's structure, each with its position.
  const name = opts.fileName ?? configFile ?? '(configuration)';
  for (const w of r.warnings) warnings.push(w.at ? `${name}:${w.at.line}:${w.at.column}: ${w.text}` : `${name}: ${w.text}`);
  return deepFreeze(config);
}

function sortIssues<T extends { line: number | null; column: number | null }>(issues: T[]): T[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
