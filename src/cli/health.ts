// `portico health`: is the instance of the prefix running, and does its status listener say it
// is ready? Prints Kong's `<service>.......running` lines and `... is healthy at <prefix>`.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ListenAddress } from '../config/index.ts';
import { CliError, stringFlag, type Command, type Output, type ParsedValues } from './args.ts';
import { PREFIX_HELP, PREFIX_OPTION } from './common-options.ts';
import { requireRunningPid, settingsForPrefix } from './process-control.ts';

const READY_TIMEOUT_MS = 3000;

/** Where to connect for a listener bound to a wildcard address. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

interface ReadyAnswer {
  ready: boolean;
  detail: string;
}

/** GET /status/ready on a status listener (self-signed TLS accepted: this is a local probe). */
export function probeReady(listen: ListenAddress): Promise<ReadyAnswer> {
  const request = listen.ssl ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request({
      host: connectHost(listen.host), port: listen.port, path: '/status/ready', method: 'GET',
      timeout: READY_TIMEOUT_MS, rejectUnauthorized: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        let message = '';
        try {
          message = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message?: unknown }).message ?? '');
        } catch {
          message = '';
        }
        resolve({ ready: res.statusCode === 200, detail: `${res.statusCode}${message ? ` ${message}` : ''}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${READY_TIMEOUT_MS}ms`)));
    req.on('error', (error) => resolve({ ready: false, detail: error.message }));
    req.end();
  });
}

export const healthCommand: Command = {
  name: 'health',
  summary: 'Check that Portico is running and ready',
  description: 'Check that the Portico instance of the prefix is running and, when a status listener is\n'
    + 'enabled, that GET /status/ready answers 200.',
  help: PREFIX_HELP,
  options: PREFIX_OPTION,
  async run(values: ParsedValues, _positionals: string[], output: Output): Promise<number> {
    const settings = settingsForPrefix(stringFlag(values, 'prefix'));
    requireRunningPid(settings.prefix);
    output.out('portico.......running\n');
    const status = settings.status_listen[0];
    if (status !== undefined) {
      const answer = await probeReady(status);
      output.out(`status........${answer.ready ? 'ready' : `not ready (${answer.detail})`}\n`);
      if (!answer.ready) throw new CliError(`Portico at ${settings.prefix} is not ready: ${answer.detail}`);
    }
    output.out(`\nPortico is healthy at ${settings.prefix}\n`);
    return 0;
  },
};
