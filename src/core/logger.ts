// A small leveled logger with Kong's level names. One JSON line per entry on stderr, so log
// shippers can parse it; secrets must never be passed in (callers redact first).

export const LOG_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, notice: 2, warn: 3, error: 4, crit: 5, alert: 6, emerg: 7 };

export interface Logger {
  level: LogLevel;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  notice(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  crit(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => { process.stderr.write(line + '\n'); };

export function createLogger(level: LogLevel = 'notice', bindings: Record<string, unknown> = {}, sink: LogSink = stderrSink): Logger {
  const state = { level };
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (RANK[lvl] < RANK[state.level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, pid: process.pid, ...bindings, msg };
    if (fields) {
      for (const [k, v] of Object.entries(fields)) entry[k] = v instanceof Error ? { message: v.message, stack: v.stack } : v;
    }
    sink(JSON.stringify(entry));
  };
  const logger: Logger = {
    get level() { return state.level; },
    set level(l: LogLevel) { state.level = l; },
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    notice: (m, f) => write('notice', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    crit: (m, f) => write('crit', m, f),
    child: (more) => createLogger(state.level, { ...bindings, ...more }, sink),
  };
  return logger;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
