import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/**
 * Field names that may carry patient data. Their values never reach a log line, whatever module
 * logs them: logs leave the machine in support tickets.
 */
const PHI_KEY = /(name|patient|mrn|dob|birth|note|text|finding|address|phone|email|input|payload|body|token|secret|password|key)/i;
const MAX_STRING = 300;
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function scrubFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) out[key] = { name: value.name, message: value.message.slice(0, MAX_STRING), code: (value as NodeJS.ErrnoException).code };
    else if (PHI_KEY.test(key)) out[key] = '[redacted]';
    else if (typeof value === 'string') out[key] = value.slice(0, MAX_STRING);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) out[key] = value;
    else out[key] = `[${typeof value}]`;
  }
  return out;
}

export interface FileLoggerOptions {
  file: string;
  level?: LogLevel;
  /** Rotate to `<file>.1` past this size, so a long-running station never fills the disk with logs. */
  maxBytes?: number;
  /** Also mirror lines to stderr (the CLI and the host in a terminal). */
  echo?: boolean;
}

/** JSON lines, one per event, appended synchronously so a crash never loses the line that explains it. */
export function createFileLogger(options: FileLoggerOptions): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  mkdirSync(dirname(options.file), { recursive: true });
  let written = safeSize(options.file);

  const write = (level: LogLevel, event: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold) return;
    const line = `${JSON.stringify({ t: new Date().toISOString(), level, event, ...(fields ? scrubFields(fields) : {}) })}\n`;
    if (written + line.length > maxBytes) {
      try {
        renameSync(options.file, `${options.file}.1`);
      } catch {
        // Nothing to rotate yet.
      }
      written = 0;
    }
    try {
      appendFileSync(options.file, line);
      written += line.length;
    } catch {
      // A full disk must not take the app down with it; the line is lost, the work is not.
    }
    if (options.echo) process.stderr.write(line);
  };
  return {
    debug: (e, f) => write('debug', e, f),
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}

/** For tests and commands that print their own output. */
export function createMemoryLogger(): Logger & { lines: { level: LogLevel; event: string; fields: LogFields }[] } {
  const lines: { level: LogLevel; event: string; fields: LogFields }[] = [];
  const push = (level: LogLevel) => (event: string, fields?: LogFields) => {
    lines.push({ level, event, fields: fields ? scrubFields(fields) : {} });
  };
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

function safeSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
