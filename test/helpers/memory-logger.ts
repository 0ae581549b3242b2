// A Logger that keeps every line it is given, so tests can assert what was logged.
import type { Logger, LogMeta } from '../../main/log/types.js';

export interface LogLine { level: string; message: string; meta?: LogMeta }

export function memoryLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at = (level: string) => (message: string, meta?: LogMeta): void => {
    lines.push({ level, message, meta });
  };
  const l = { lines, critical: at('critical'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: () => l };
  return l;
}
