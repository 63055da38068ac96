// `portico version [-a]`: Portico's version and the Kong version it is compatible with; `--all`
// adds the runtime and dependency versions (Kong's `kong version -a` lists its nginx/Lua parts).
import { readFileSync } from 'node:fs';
import { KONG_VERSION, PORTICO_VERSION } from '../core/version.ts';
import type { Command, Output, ParsedValues } from './args.ts';

const DEPENDENCIES = ['undici', 'yaml', 're2js', 'ws'];

function dependencyVersion(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return String((JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'not installed';
  }
}

export function versionLine(): string {
  return `Portico ${PORTICO_VERSION} (Kong ${KONG_VERSION} compatible)`;
}

export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the version',
  description: 'Print the Portico version and the Kong version it is compatible with.',
  help: ' -a,--all          also print the versions of Node.js and the dependencies',
  options: { all: { type: 'boolean', short: 'a' } },
  async run(values: ParsedValues, _positionals: string[], output: Output): Promise<number> {
    if (!values.all) {
      output.out(`${versionLine()}\n`);
      return 0;
    }
    const lines = [
      `Portico: ${PORTICO_VERSION}`,
      `Kong compatibility: ${KONG_VERSION}`,
      `Node.js: ${process.versions.node}`,
      `V8: ${process.versions.v8}`,
      `OpenSSL: ${process.versions.openssl}`,
      ...DEPENDENCIES.map((name) => `${name}: ${dependencyVersion(name)}`),
    ];
    output.out(`${lines.join('\n')}\n`);
    return 0;
  },
};
