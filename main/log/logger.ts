// winston logger factory: one root per process, a child per module. LoggingEnabled maps
// to a level (false → only errors and critical events, true → info, debug → debug);
// critical and error lines are written whatever the setting (SPEC §4).

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import winston from 'winston';
import type { LoggingLevel } from '../config/types.js';
import type { LogMeta, Logger } from './types.js';
import { redactMeta, redactText } from './redact.js';

const LEVELS = { critical: 0, error: 1, warn: 2, info: 3, debug: 4 } as const;
type Level = keyof typeof LEVELS;

export interface LoggerOptions {
  /** Log file; its folders are created. Null for no file (tests, `config check`). */
  file: string | null;
  loggingEnabled: LoggingLevel;
  /** Also write human-readable lines to stderr (`pullprint serve` in the foreground). */
  console?: boolean;
  /** Rotation: rotate when the file reaches this size (default 10 MiB), keep this many files (default 5). */
  maxSizeBytes?: number;
  maxFiles?: number;
  /** Extra transport, e.g. an in-memory capture in tests. */
  transports?: winston.transport[];
}

export interface RootLogger extends Logger {
  /** Flushes and closes every transport. */
  close(): Promise<void>;
  readonly level: Level;
}

export function levelFor(setting: LoggingLevel): Level {
  if (setting === 'debug') return 'debug';
  return setting ? 'info' : 'error';
}

const lineFormat = winston.format.printf((info) => {
  const { level, message, timestamp, module, ...rest } = info as Record<string, unknown>;
  const meta = Object.keys(rest).filter((k) => typeof k === 'string');
  const tail = meta.length > 0 ? ` ${JSON.stringify(Object.fromEntries(meta.map((k) => [k, rest[k]])))}` : '';
  return `${String(timestamp)} ${String(level).toUpperCase()} [${String(module ?? 'engine')}] ${String(message)}${tail}`;
});

export function createLogger(opts: LoggerOptions): RootLogger {
  const level = levelFor(opts.loggingEnabled);
  const transports: winston.transport[] = [];
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true, mode: 0o700 });
    transports.push(new winston.transports.File({
      filename: opts.file,
      maxsize: opts.maxSizeBytes ?? 10 * 1024 * 1024,
      maxFiles: opts.maxFiles ?? 5,
      tailable: true,
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    }));
  }
  if (opts.console) {
    transports.push(new winston.transports.Console({
      stderrLevels: Object.keys(LEVELS),
      format: winston.format.combine(winston.format.timestamp(), lineFormat),
    }));
  }
  transports.push(...(opts.transports ?? []));
  if (transports.length === 0) transports.push(new winston.transports.Console({ silent: true }));
  const root = winston.createLogger({ levels: LEVELS, level, transports, exitOnError: false });

  const wrap = (module: string): Logger => {
    const log = (lvl: Level, message: string, meta?: LogMeta): void => {
      try {
        root.log(lvl, redactText(message), { ...(meta ? redactMeta(meta) : {}), module });
      } catch {
        // Logging must never take the engine down.
      }
    };
    return {
      critical: (m, meta) => log('critical', m, meta),
      error: (m, meta) => log('error', m, meta),
      warn: (m, meta) => log('warn', m, meta),
      info: (m, meta) => log('info', m, meta),
      debug: (m, meta) => log('debug', m, meta),
      child: (name: string) => wrap(module === 'engine' ? name : `${module}:${name}`),
    };
  };

  const base = wrap('engine');
  return {
    ...base,
    level,
    close: () =>
      new Promise<void>((resolve) => {
        let pending = root.transports.length;
        if (pending === 0) return resolve();
        const timer = setTimeout(resolve, 2000);
        const done = (): void => {
          pending -= 1;
          if (pending <= 0) {
            clearTimeout(timer);
            resolve();
          }
        };
        for (const t of root.transports) t.once('finish', done);
        root.end();
      }),
  };
}
