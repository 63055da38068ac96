// file-log — kong/plugins/file-log/handler.lua: one JSON line per request appended to `path`
// (O_WRONLY|O_CREAT|O_APPEND, mode 0644). The descriptor is cached per path unless `reopen`,
// which opens and closes the file for every entry so rotated files are picked up.
// Writes for one path are chained so lines never interleave or reorder.
import { open, type FileHandle } from 'node:fs/promises';
import { KONG_VERSION } from '../../core/version.ts';
import { applyCustomFields, definePlugin, type Pdk } from '../../pdk/index.ts';
import { fileLogSchema } from './schema.ts';

const FILE_MODE = 0o644;
const handles = new Map<string, Promise<FileHandle>>();
const chains = new Map<string, Promise<void>>();

async function append(path: string, line: string, reopen: boolean): Promise<void> {
  if (reopen) {
    const cached = handles.get(path);
    if (cached !== undefined) {
      handles.delete(path);
      await (await cached).close().catch(() => undefined);
    }
    const file = await open(path, 'a', FILE_MODE);
    try { await file.write(line); } finally { await file.close(); }
    return;
  }
  let handle = handles.get(path);
  if (handle === undefined) {
    handle = open(path, 'a', FILE_MODE);
    handles.set(path, handle);
    // A failed open is retried by the next entry.
    handle.catch(() => handles.delete(path));
  }
  await (await handle).write(line);
}

/**
 * Appends one line for `path`, after every earlier line for that path.
 * @example
 * await writeLine(kong, '/var/log/kong.json', '{"a":1}\n', false);
 */
export function writeLine(kong: Pdk, path: string, line: string, reopen: boolean): Promise<void> {
  const previous = chains.get(path) ?? Promise.resolve();
  const next = previous.then(() => append(path, line, reopen)).catch((error: Error) => {
    kong.log.err('[file-log] failed to write to ', path, ': ', error.message);
  });
  chains.set(path, next);
  void next.then(() => { if (chains.get(path) === next) chains.delete(path); });
  return next;
}

export const plugin = definePlugin({
  name: 'file-log',
  version: KONG_VERSION,
  priority: 9,
  schema: fileLogSchema,
  log(kong, conf) {
    const entry = applyCustomFields(kong.log.serialize(), conf);
    void writeLine(kong, conf.path, `${JSON.stringify(entry)}\n`, conf.reopen);
  },
});
