// Facts about the machine and tools, recorded next to the numbers (nproc, free, node, nginx, wrk).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { MachineFacts } from './report.ts';

function commandOutput(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 5000 });
  // nginx -v writes to stderr; wrk -v prints its banner then exits non-zero.
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
}

export function cpuCount(): number {
  const count = Number(commandOutput('nproc', []));
  return Number.isInteger(count) && count > 0 ? count : 1;
}

export function collectMachineFacts(loadAverageBefore: number): MachineFacts {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim() ?? cpuModel;
  } catch {
    // Not Linux-like /proc: leave it unknown.
  }
  const memoryLine = commandOutput('free', ['-h']).split('\n').find((line) => line.startsWith('Mem:'));
  return {
    cpuModel,
    cpuCount: cpuCount(),
    memoryTotal: memoryLine?.split(/\s+/)[1] ?? 'unknown',
    kernel: commandOutput('uname', ['-sr']),
    nodeVersion: process.version,
    loadAverageBefore,
    loadAverageAfter: loadavg()[0],
    nginxVersion: commandOutput('nginx', ['-v']).replace(/^nginx version:\s*/, ''),
    wrkVersion: commandOutput('wrk', ['-v']).split('\n')[0].replace(/\s*Copyright.*$/, ''),
  };
}

/** Moves the bench runner itself onto the load CPU so it never competes with the proxy. */
export function pinSelf(cpus: string): void {
  spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { timeout: 5000 });
}

/** Versions of the tools only some scenarios use (h2load, Redis, Portkey's gateway), or "not installed". */
export function otherToolVersions(portkeyDir: string): string {
  const h2load = commandOutput('h2load', ['--version']).split('\n')[0];
  const redis = /v=(\S+)/.exec(commandOutput('redis-server', ['--version']))?.[1];
  const portkeyPackage = join(portkeyDir, 'node_modules', '@portkey-ai', 'gateway', 'package.json');
  let portkey = 'not installed';
  if (existsSync(portkeyPackage)) {
    const version = (JSON.parse(readFileSync(portkeyPackage, 'utf8')) as { version?: string }).version ?? '?';
    portkey = `${version} (npm @portkey-ai/gateway in ${portkeyDir}, outside the repository)`;
  }
  return [
    `HTTP/2 load: ${h2load.startsWith('h2load') ? h2load : 'h2load not installed'}`,
    `Redis: ${redis === undefined ? 'not installed' : `redis-server ${redis}`}`,
    `Portkey gateway: ${portkey}`,
  ].join('; ');
}
