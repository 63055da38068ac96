// acl — kong/plugins/acl/handler.lua + groups.lua: allows or denies by the groups of the
// authenticated consumer (acls rows, loaded through kong.cache and dropped when acls change), or
// by kong.ctx.shared.authenticated_groups when there is no consumer (or
// always_use_authenticated_groups). No identity at all is 401; a known identity outside the
// rules is 403 "You cannot consume this service". Allowed requests carry the groups upstream.
import { KONG_VERSION } from '../../core/version.ts';
import { CONSUMER_HEADERS, definePlugin, foreignId, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { acls } from './daos.ts';
import { aclPluginSchema } from './schema.ts';

type AclConf = ConfOf<typeof aclPluginSchema>;

/** The per-config-version form: mode, a set of the listed groups, decisions per groups list. */
interface PreparedAcl {
  deny: boolean;
  groups: ReadonlySet<string>;
  hideGroupsHeader: boolean;
  alwaysUseAuthenticatedGroups: boolean;
  /** Kong's config.cache: the decision per (cached, hence identical) consumer groups array. */
  decisions: WeakMap<readonly string[], boolean>;
}

const FORBIDDEN = 'You cannot consume this service';

export function prepareAcl(conf: AclConf): PreparedAcl {
  // Kong: deny mode when deny has entries, allow mode otherwise.
  const deny = conf.deny !== null && conf.deny.length > 0;
  return {
    deny,
    groups: new Set(deny ? conf.deny : conf.allow ?? []),
    hideGroupsHeader: conf.hide_groups_header,
    alwaysUseAuthenticatedGroups: conf.always_use_authenticated_groups,
    decisions: new WeakMap(),
  };
}

function blocked(conf: PreparedAcl, groups: readonly string[]): boolean {
  const listed = groups.some((group) => conf.groups.has(group));
  return conf.deny ? listed : !listed;
}

/** Kong's acls cache key per consumer, dropped when the consumer's acls change. */
function groupsCacheKey(kong: Pdk, consumerId: string): string {
  return kong.cache.cache_key('acls', consumerId);
}

/** groups.get_consumer_groups: the consumer's group names, cached per consumer. */
async function consumerGroups(kong: Pdk, consumerId: string): Promise<readonly string[]> {
  const groups = await kong.cache.get<string[]>(groupsCacheKey(kong, consumerId), null, async () => {
    const names: string[] = [];
    let offset: string | undefined;
    do {
      const page = await kong.db.pageByForeign('acls', 'consumer', consumerId, offset === undefined ? { size: 1000 } : { size: 1000, offset });
      for (const row of page.data) if (typeof row.group === 'string') names.push(row.group);
      offset = page.offset;
    } while (offset !== undefined);
    return names;
  });
  return groups ?? [];
}

function authenticatedGroups(kong: Pdk): readonly string[] | null {
  const groups = kong.ctx.shared.authenticated_groups;
  return Array.isArray(groups) && groups.length > 0 ? groups.filter((group): group is string => typeof group === 'string') : null;
}

function rejectUnidentified(kong: Pdk): void {
  // Kong answers 403 when some credential was presented, 401 when nobody is identified at all.
  if (kong.client.get_credential() !== null) kong.response.error(403, FORBIDDEN);
  else kong.response.error(401, 'Unauthorized');
}

function decideForConsumer(kong: Pdk, conf: PreparedAcl, groups: readonly string[]): void {
  // A consumer without groups cannot be in an allow list; in deny mode it has nothing to deny.
  if (groups.length === 0 && !conf.deny) return rejectUnidentified(kong);
  let decision = conf.decisions.get(groups);
  if (decision === undefined) {
    decision = blocked(conf, groups);
    conf.decisions.set(groups, decision);
  }
  if (decision) return kong.response.error(403, FORBIDDEN);
  if (!conf.hideGroupsHeader) kong.service.request.set_header(CONSUMER_HEADERS.CONSUMER_GROUPS, groups.join(', '));
  return undefined;
}

export const plugin = definePlugin({
  name: 'acl',
  version: KONG_VERSION,
  priority: 950,
  schema: aclPluginSchema,
  daos: [acls],
  prepare: prepareAcl,
  // Synchronous when the consumer's groups are already cached (every request after the first):
  // an async handler costs every request a chain of promises.
  access(kong, conf) {
    const consumerId = kong.client.get_consumer()?.id ?? foreignId(kong.client.get_credential()?.consumer) ?? null;
    if (consumerId === null || conf.alwaysUseAuthenticatedGroups) {
      const shared = authenticatedGroups(kong);
      if (shared === null) return rejectUnidentified(kong);
      if (blocked(conf, shared)) return kong.response.error(403, FORBIDDEN);
      if (!conf.hideGroupsHeader) kong.service.request.set_header(CONSUMER_HEADERS.AUTHENTICATED_GROUPS, shared.join(', '));
      return undefined;
    }
    const [known, cached] = kong.cache.probe(groupsCacheKey(kong, consumerId));
    if (known) return decideForConsumer(kong, conf, (cached as string[] | null) ?? []);
    return consumerGroups(kong, consumerId).then((groups) => decideForConsumer(kong, conf, groups));
  },
});
