// The "node-bare" baseline of `npm run bench`: the least a Node gateway can do, so that
// "Portico ÷ node-bare" tells Portico's own cost apart from Node's (a bare node:http + undici proxy
// reaches only ~0.24–0.29 of nginx). A reference for the benchmark, NOT a product: one upstream, no
// routing, no timeouts, no X-Forwarded-*, no retries, no limits on body sizes.
//
//   node bench/bare-proxy.ts <listenPort> <upstreamPort>       forward every request to the upstream
//   node bench/bare-proxy.ts <listenPort> <upstreamPort> ai    OpenAI chat → Anthropic Messages → OpenAI
//
// Written the way /work/shared/perf/README.md found Node fast: undici's dispatch handler API (no
// fetch, no streams on the response path), headers passed on as parsed, small AI bodies read once.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';

const [listenArg, upstreamArg, modeArg] = process.argv.slice(2);
const listenPort = Number(listenArg);
const upstreamPort = Number(upstreamArg);
if (!Number.isInteger(listenPort) || !Number.isInteger(upstreamPort) || (modeArg !== undefined && modeArg !== 'ai')) {
  process.stderr.write('usage: node bench/bare-proxy.ts <listenPort> <upstreamPort> [ai]\n');
  process.exit(2);
}

// Keep-alive connections to the upstream, as many as the nginx baseline keeps (keepalive 128).
const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 128, pipelining: 1 });

// Portico enforces its own timeouts and turns undici's off; a baseline paying for timers Portico
// does not pay for would flatter Portico.
const NO_TIMEOUTS = { headersTimeout: 0, bodyTimeout: 0 } as const;

/** Hop-by-hop headers belong to one connection (undici also refuses them in a request). */
function dropHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  // Deleting only what is there: most requests carry none of them.
  if (headers.connection !== undefined) delete headers.connection;
  if (headers['keep-alive'] !== undefined) delete headers['keep-alive'];
  if (headers['transfer-encoding'] !== undefined) delete headers['transfer-encoding'];
  return headers;
}

function fail(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-length': '0' });
  res.end();
}

/** Streams one upstream response to the client. */
class Forward implements Dispatcher.DispatchHandler {
  res: ServerResponse;
  /** The upstream's content-length, or -1: a first chunk of exactly that size is the whole body. */
  length = -1;
  ended = false;
  constructor(res: ServerResponse) {
    this.res = res;
  }
  // undici requires every handler method of the new API; the controller also comes with each response call.
  onRequestStart(): void {}
  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    const length = headers['content-length'];
    if (length !== undefined) this.length = Number(length);
    this.res.writeHead(statusCode, dropHopByHop(headers));
  }
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.destroyed) {
      // The client left; stop reading the upstream (a stalled upstream is not noticed — no timeouts).
      controller.abort(new Error('client closed the connection'));
      return;
    }
    if (chunk.length === this.length) {
      // A small body comes in one chunk: head and body leave in one write.
      this.ended = true;
      this.res.end(chunk);
      return;
    }
    if (!this.res.write(chunk)) {
      // Backpressure: a slow client pauses the upstream instead of filling memory.
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }
  onResponseEnd(): void {
    if (!this.ended) this.res.end();
  }
  onResponseError(_controller: Dispatcher.DispatchController | null, _error: Error): void {
    fail(this.res, 502);
  }
}

function forward(req: IncomingMessage, res: ServerResponse): void {
  const headers = req.headers;
  // Decided before the hop-by-hop headers go: a chunked body has no content-length.
  const hasBody = headers['content-length'] !== undefined ? headers['content-length'] !== '0' : headers['transfer-encoding'] !== undefined;
  pool.dispatch(
    { path: req.url ?? '/', method: req.method as Dispatcher.HttpMethod, headers: dropHopByHop(headers), body: hasBody ? req : null, ...NO_TIMEOUTS },
    new Forward(res),
  );
}

/** Collects a whole upstream answer: the AI mode's small JSON has to be parsed anyway. */
class Collect implements Dispatcher.DispatchHandler {
  status = 0;
  chunks: Buffer[] = [];
  done: (status: number, body: Buffer | null) => void;
  constructor(done: (status: number, body: Buffer | null) => void) {
    this.done = done;
  }
  onRequestStart(): void {}
  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }
  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }
  onResponseEnd(): void {
    this.done(this.status, Buffer.concat(this.chunks));
  }
  onResponseError(): void {
    this.done(0, null);
  }
}

interface ChatRequest {
  model: string;
  max_tokens?: number;
  messages: { role: string; content: unknown }[];
}

interface AnthropicAnswer {
  id: string;
  model: string;
  content: { type: string; text?: string }[];
  stop_reason: string | null;
  usage: { input_tokens: number; output_tokens: number };
}

// Anthropic's API version and a key; the bench's mock checks neither.
const ANTHROPIC_HEADERS = {
  'content-type': 'application/json',
  'x-api-key': process.env.BARE_PROXY_API_KEY ?? 'sk-ant-bench',
  'anthropic-version': '2023-06-01',
};

const FINISH_REASONS: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls' };

/** System messages become `system`; the rest pass as they are (OpenAI text parts are Anthropic text blocks). */
function toAnthropic(chat: ChatRequest): object {
  const system: string[] = [];
  const messages: ChatRequest['messages'] = [];
  for (const message of chat.messages) {
    if (message.role === 'system') system.push(String(message.content));
    else messages.push({ role: message.role, content: message.content });
  }
  // Anthropic requires max_tokens; OpenAI clients may leave it out.
  return { model: chat.model, max_tokens: chat.max_tokens ?? 1024, ...(system.length > 0 ? { system: system.join('\n') } : {}), messages };
}

function toOpenAi(answer: AnthropicAnswer): object {
  const text = answer.content.filter((block) => block.type === 'text').map((block) => block.text).join('');
  const { input_tokens: prompt, output_tokens: completion } = answer.usage;
  return {
    id: answer.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: answer.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: FINISH_REASONS[answer.stop_reason ?? ''] ?? 'stop' }],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

function chat(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: string;
    try {
      body = JSON.stringify(toAnthropic(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest));
    } catch {
      fail(res, 400);
      return;
    }
    const done = (status: number, answer: Buffer | null): void => {
      let json: string;
      try {
        if (status !== 200 || answer === null) throw new Error(`upstream answered ${status}`);
        json = JSON.stringify(toOpenAi(JSON.parse(answer.toString('utf8')) as AnthropicAnswer));
      } catch {
        fail(res, 502);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    };
    pool.dispatch({ path: '/v1/messages', method: 'POST', headers: ANTHROPIC_HEADERS, body, ...NO_TIMEOUTS }, new Collect(done));
  });
}

const server = createServer(modeArg === 'ai' ? chat : forward);
server.listen(listenPort, '127.0.0.1', () => {
  process.stdout.write(`bare proxy (${modeArg === 'ai' ? 'ai' : 'forward'}) on 127.0.0.1:${listenPort} → 127.0.0.1:${upstreamPort}\n`);
});
// The bench stops it by PID with SIGTERM; exiting closes the listener and the pool's sockets.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
