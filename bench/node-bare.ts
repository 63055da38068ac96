// Starts the node-bare baseline (bench/bare-proxy.ts: node:http + undici and nothing else) pinned
// like the system under test, so "subject ÷ node-bare" tells the subject's own cost from Node's.
import { join } from 'node:path';
import { NODE_BARE } from './report.ts';
import { freePort, killTree, spawnServing } from './processes.ts';
import type { StartedSystem } from './measure.ts';

/** Run from the harness's own checkout (not the HEAD snapshot Portico runs from): it is a tool of the bench. */
export const BARE_PROXY_SCRIPT = join(import.meta.dirname, 'bare-proxy.ts');

export interface NodeBareOptions {
  /** Scratch directory; the proxy's output goes to node-bare.log there. */
  dir: string;
  /** The upstream, or in ai mode the Anthropic mock. */
  upstreamPort: number;
  /** Translate OpenAI chat to Anthropic Messages instead of forwarding as is. */
  ai: boolean;
  cpus: string | null;
  startTimeoutMs: number;
  /** Whether the proxy on `port` answers the scenario's request correctly. */
  ready: (port: number) => Promise<boolean>;
}

export async function startNodeBare(options: NodeBareOptions): Promise<StartedSystem> {
  const port = await freePort();
  const args = [BARE_PROXY_SCRIPT, String(port), String(options.upstreamPort), ...(options.ai ? ['ai'] : [])];
  const ready = (): Promise<boolean> => options.ready(port);
  // process.execPath: the Node that runs the bench (24), the same that runs Portico.
  const child = await spawnServing(NODE_BARE, process.execPath, args, {
    cpus: options.cpus, logFile: join(options.dir, `${NODE_BARE}.log`), ready, timeoutMs: options.startTimeoutMs,
  });
  return { system: { port, rootPid: child.pid, check: ready }, stop: () => killTree(child.pid) };
}
