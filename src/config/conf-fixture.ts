// Test support: writes kong.conf files into a fresh temporary directory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function confFixture(name: string): { dir: string; write(text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), `portico-${name}-`));
  let counter = 0;
  return {
    dir,
    write(text: string): string {
      const path = join(dir, `kong-${++counter}.conf`);
      writeFileSync(path, text);
      return path;
    },
  };
}
