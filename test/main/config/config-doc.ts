// Helpers shared by the parseConfig tests: documents built from element paths, positions
// computed independently of the code under test, and the smallest documents per section.
import assert from 'node:assert/strict';
import { ConfigError, type ConfigIssue } from '../../../main/config/config-error.js';
import { parseConfig } from '../../../main/config/parse-config.js';
import { resolvePaths } from '../../../main/config/paths.js';
import type { Config, Platform } from '../../../main/config/types.js';

export const HOME: Record<Platform, string> = { win32: 'C:\\Users\\ann', darwin: '/Users/ann', linux: '/home/ann' };
export const pathsFor = (platform: Platform) => resolvePaths({ env: {}, platform, homedir: HOME[platform], cwd: platform === 'win32' ? 'C:\\' : '/' });

export function parse(xml: string, platform: Platform = 'linux'): Config {
  return parseConfig(xml, { platform, paths: pathsFor(platform), fileName: 'configuration.xml' });
}

export function errorOf(xml: string, platform: Platform = 'linux'): ConfigError {
  try {
    parse(xml, platform);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err;
  }
  return assert.fail('expected a ConfigError');
}

export const issuesOf = (xml: string, platform: Platform = 'linux'): readonly ConfigIssue[] => errorOf(xml, platform).issues;

export type Values = Record<string, string | readonly string[] | null>;

/**
 * A configuration document from element paths: `{ 'Logger/LoggingEnabled': 'true' }`.
 * null writes an empty element; an array repeats the element. One element per line.
 */
export function doc(values: Values): string {
  type Node = Map<string, Node | readonly string[] | null>;
  const root: Node = new Map();
  for (const [path, v] of Object.entries(values)) {
    const parts = path.split('/');
    let cur = root;
    for (const p of parts.slice(0, -1)) {
      const next = cur.get(p);
      if (next instanceof Map) cur = next;
      else {
        const m: Node = new Map();
        cur.set(p, m);
        cur = m;
      }
    }
    const last = parts[parts.length - 1];
    if (!(cur.get(last) instanceof Map)) cur.set(last, v === null ? null : typeof v === 'string' ? [v] : v);
  }
  const render = (node: Node, indent: string): string[] => [...node.entries()].flatMap(([name, v]) => {
    if (v === null) return [`${indent}<${name}/>`];
    if (v instanceof Map) return [`${indent}<${name}>`, ...render(v, `${indent}  `), `${indent}</${name}>`];
    return (v as readonly string[]).map((x) => `${indent}<${name}>${x}</${name}>`);
  });
  return ['<?xml version="1.0" encoding="utf-8"?>', '<Configuration>', ...render(root, '  '), '</Configuration>', ''].join('\n');
}

/** 1-based line and column of the first occurrence of `needle`, computed independently of the code under test. */
export function positionOf(xml: string, needle: string): { line: number; column: number } {
  const index = xml.indexOf(needle);
  assert.ok(index >= 0, `${needle} not in document`);
  return lineColumnAt(xml, index);
}

export function lineColumnAt(xml: string, index: number): { line: number; column: number } {
  const before = xml.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Like positionOf, but finds the element by its path: each group's open tag is found in turn. */
export function positionAt(xml: string, path: string, value: string): { line: number; column: number } {
  const parts = path.split('/');
  let from = 0;
  for (const group of parts.slice(0, -1)) {
    from = xml.indexOf(`<${group}>`, from);
    assert.ok(from >= 0, `<${group}> not in document`);
  }
  const leaf = parts[parts.length - 1];
  const at = xml.indexOf(`<${leaf}>${value}</${leaf}>`, from);
  assert.ok(at >= 0, `${path} = ${value} not in document`);
  return lineColumnAt(xml, at);
}

export const AD = 'LPMServerlessADSettings';
export const HY = 'LPMServerlessSettings';
export const CL = 'LPMServerSettings';
export const TR = 'DeleteJobTrackerSettings';
export type AdMode = Extract<Config['modes'][number], { kind: 'serverless-ad' }>;
export type HyMode = Extract<Config['modes'][number], { kind: 'hybrid' }>;
export type ClMode = Extract<Config['modes'][number], { kind: 'cloud' }>;

export const HYBRID_SERVERS: Values = {
  'LPMServerlessSettings/ServerSettings/ServerIP': 'print.example.com/api',
  'LPMServerlessSettings/ServerAPISettings/IDPServerSettings/ServerIP': 'idp.example.com',
};
export const CLOUD_SERVERS: Values = {
  'LPMServerSettings/ServerSettings/ServerIP': 'print.example.com/api',
  'LPMServerSettings/IDPServerSettings/ServerIP': 'idp.example.com',
};
export const DIRECTORY = `${AD}/ServerSettings/Directory`;
/** The two elements a Directory group cannot do without. */
export const DIRECTORY_REQUIRED: Values = {
  [`${DIRECTORY}/URL`]: 'ldaps://dc1.corp.example',
  [`${DIRECTORY}/BaseDN`]: 'DC=corp,DC=example',
};
/** The smallest document enabling each section (Hybrid and Cloud need their two servers). */
export const SECTION_BASE: Record<string, Values> = {
  LPMServerlessADSettings: { LPMServerlessADSettings: null },
  LPMServerlessSettings: HYBRID_SERVERS,
  LPMServerSettings: CLOUD_SERVERS,
};
/** The smallest document in which `path` is read (a Directory element needs the group's required ones). */
export const baseFor = (path: string): Values =>
  path.startsWith(`${DIRECTORY}/`) ? DIRECTORY_REQUIRED : SECTION_BASE[path.split('/')[0]] ?? {};

export const NO_DIRECTORY = "Serverless AD without ServerSettings/Directory: the workstation address is not published and printers' service-account checks cannot be verified";

export const PLATFORMS: readonly Platform[] = ['win32', 'darwin', 'linux'];
export const modeOf = (c: Config, kind: string) => {
  const m = c.modes.find((x) => x.kind === kind);
  assert.ok(m, `mode ${kind} enabled`);
  return m as never;
};

