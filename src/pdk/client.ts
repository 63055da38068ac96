// kong.client (kong/pdk/client.lua): who is calling — addresses, and the consumer/credential an
// authentication plugin established for this request.
import type { Consumer } from '../entities/types.ts';
import type { Credential, PluginRequestContext } from './context.ts';

/**
 * Store access kong.client.load_consumer needs; supplied by the runtime.
 * @example
 * const loader: ConsumerLoader = (key, byUsername) => store.findConsumer(key, byUsername);
 */
export type ConsumerLoader = (idOrUsername: string, searchByUsername: boolean) => Promise<Consumer | null>;

/**
 * kong.client.
 * @example
 * access(kong) { kong.client.authenticate(consumer, credential); }
 */
export class ClientApi {
  private readonly ctx: PluginRequestContext;
  private readonly loader: ConsumerLoader;

  constructor(ctx: PluginRequestContext, loader: ConsumerLoader) {
    this.ctx = ctx;
    this.loader = loader;
  }

  get_ip(): string { return this.ctx.client.ip; }
  get_forwarded_ip(): string { return this.ctx.client.forwardedIp; }
  get_port(): number { return this.ctx.client.port; }
  get_forwarded_port(): number { return this.ctx.client.forwardedPort; }
  get_protocol(): string { return this.ctx.request.scheme; }
  get_consumer(): Consumer | null { return this.ctx.consumer; }
  get_credential(): Credential | null { return this.ctx.credential; }

  /**
   * Marks the request authenticated; later plugins' consumer-scoped configs apply to `consumer`.
   * Kong: "either credential or consumer must be provided".
   */
  authenticate(consumer: Consumer | null, credential: Credential | null): void {
    if (consumer == null && credential == null) throw new Error('either credential or consumer must be provided');
    this.ctx.consumer = consumer ?? null;
    this.ctx.credential = credential ?? null;
  }

  /** Loads a consumer by id (or by username when `search_by_username` and no id matched). */
  async load_consumer(consumer_id: string, search_by_username = false): Promise<Consumer | null> {
    if (typeof consumer_id !== 'string' || consumer_id === '') throw new Error('consumer_id must be a string');
    return this.loader(consumer_id, search_by_username);
  }
}
