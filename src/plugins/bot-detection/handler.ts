// bot-detection — kong/plugins/bot-detection/handler.lua: the trimmed User-Agent is searched
// with the allow list (pass), the deny list (403), then Kong's bot list (403). Regexes are
// compiled once per config version on RE2 (no ReDoS); verdicts are cached per User-Agent in a
// bounded LRU per config, as Kong's 10k-entry lrucache.
import { KONG_VERSION } from '../../core/version.ts';
import { compileSafeRegex, type SafeRegex } from '../../core/regex.ts';
import { definePlugin, type ConfOf } from '../../pdk/index.ts';
import { BOT_RULES } from './rules.ts';
import { botDetectionSchema } from './schema.ts';

type BotDetectionConf = ConfOf<typeof botDetectionSchema>;
const CACHE_SIZE = 10_000;
const builtIn: readonly SafeRegex[] = BOT_RULES.map((rule) => compileSafeRegex(rule));

/** The compiled lists of one config and its User-Agent verdict cache (true = bot). */
export class BotPolicy {
  private readonly allow: readonly SafeRegex[];
  private readonly deny: readonly SafeRegex[];
  private readonly verdicts = new Map<string, boolean>();

  constructor(conf: BotDetectionConf) {
    this.allow = conf.allow.map((rule) => compileSafeRegex(rule));
    this.deny = conf.deny.map((rule) => compileSafeRegex(rule));
  }

  isBot(userAgent: string): boolean {
    const cached = this.verdicts.get(userAgent);
    if (cached !== undefined) return cached;
    const verdict = this.examine(userAgent);
    if (this.verdicts.size >= CACHE_SIZE) this.verdicts.delete(this.verdicts.keys().next().value!);
    this.verdicts.set(userAgent, verdict);
    return verdict;
  }

  private examine(userAgent: string): boolean {
    if (this.allow.some((rule) => rule.test(userAgent))) return false;
    if (this.deny.some((rule) => rule.test(userAgent))) return true;
    return builtIn.some((rule) => rule.test(userAgent));
  }
}

export const plugin = definePlugin({
  name: 'bot-detection',
  version: KONG_VERSION,
  priority: 2500,
  schema: botDetectionSchema,
  prepare: (conf) => new BotPolicy(conf),
  access(kong, policy) {
    const userAgent = kong.request.get_headers()['user-agent'];
    if (Array.isArray(userAgent)) return kong.response.error(400, 'Only one User-Agent header allowed');
    if (userAgent === undefined) return;
    if (policy.isBot(userAgent.trim())) kong.response.error(403);
  },
});
