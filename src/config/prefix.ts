// Files Portico keeps in its prefix directory (Kong: kong/conf_loader PREFIX_PATHS).
import { join } from 'node:path';

/** The primary process id; Kong's equivalent is `<prefix>/pids/nginx.pid`. */
export function pidFilePath(prefix: string): string {
  return join(prefix, 'portico.pid');
}

/** The resolved configuration of the instance, as Kong writes it. */
export function kongEnvPath(prefix: string): string {
  return join(prefix, '.kong_env');
}
