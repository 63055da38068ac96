#!/usr/bin/env node
// Launcher for `portico` / `npx portico`. Portico is TypeScript run directly by Node 24 (type
// stripping); when an older Node runs this file, re-exec the CLI with the Node 24 binary that the
// package's `node` devDependency installs, forwarding signals so stop/reload reach the gateway.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;
const entry = fileURLToPath(new URL('../src/cli/index.ts', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);

if (major >= REQUIRED_MAJOR) {
  // Before the first .ts import: with Node's compile cache a warm start never loads the TypeScript
  // stripper (less memory, faster boot).
  const { enableCompileCache } = await import('node:module');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  enableCompileCache(process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'portico-compile-cache'));
  const { runCli } = await import(entry);
  process.exitCode = await runCli(process.argv.slice(2));
} else {
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(bundled)) {
    process.stderr.write(`Error: Portico needs Node.js ${REQUIRED_MAJOR} or newer (running ${process.version}); `
      + `run 'npm install' to fetch it, or use Node.js ${REQUIRED_MAJOR}+\n`);
    process.exit(1);
  }
  const child = spawn(bundled, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    process.stderr.write(`Error: could not run ${bundled}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 128 : 1));
  });
}
