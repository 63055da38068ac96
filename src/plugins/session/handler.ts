// session — kong/plugins/session/{access,header_filter}.lua: in access, a valid session cookie
// authenticates its consumer (never rejects when there is none), a logout request destroys it and
// answers 200; in header_filter, a consumer authenticated by a later auth plugin gets a new
// session cookie. Cookie format: ./cookie.ts.
import { createHash, randomUUID } from 'node:crypto';
import { KONG_VERSION } from '../../core/version.ts';
import { CONSUMER_HEADERS, definePlugin, loadConsumerCached, setAuthenticatedConsumer, type Pdk } from '../../pdk/index.ts';
import { deriveKey, newSessionId, openSession, sealSession, type SessionData } from './cookie.ts';
import { sessionsDao } from './daos.ts';
import { sessionSchema } from './schema.ts';

interface SessionConf {
  secret: string;
  storage: string;
  audience: string;
  idling_timeout: number;
  rolling_timeout: number;
  absolute_timeout: number;
  cookie_name: string;
  cookie_path: string;
  cookie_domain: string | null;
  cookie_same_site: string;
  cookie_http_only: boolean;
  cookie_secure: boolean;
  response_headers: string[] | null;
  request_headers: string[] | null;
  read_body_for_logout: boolean;
  logout_methods: string[] | null;
  logout_query_arg: string | null;
  logout_post_arg: string | null;
  hash_subject: boolean;
}

interface Prepared extends SessionConf { key: Buffer }

const now = (): number => Math.floor(Date.now() / 1000);

function readCookie(kong: Pdk, name: string): string | null {
  const header = kong.request.get_headers().cookie;
  for (const line of header === undefined ? [] : Array.isArray(header) ? header : [header]) {
    for (const pair of line.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
    }
  }
  return null;
}

function cookieHeader(conf: SessionConf, value: string, expire = false): string {
  const parts = [`${conf.cookie_name}=${value}`, `Path=${conf.cookie_path}`];
  if (conf.cookie_domain !== null) parts.push(`Domain=${conf.cookie_domain}`);
  if (expire) parts.push('Expires=Thu, 01 Jan 1970 00:00:01 GMT', 'Max-Age=0');
  if (conf.cookie_same_site !== 'Default') parts.push(`SameSite=${conf.cookie_same_site}`);
  if (conf.cookie_http_only) parts.push('HttpOnly');
  if (conf.cookie_secure) parts.push('Secure');
  return parts.join('; ');
}

/** Seconds left per timeout (0 = that timeout is disabled → not counted). */
function remaining(conf: SessionConf, data: SessionData, at: number): Record<string, number> {
  const left: Record<string, number> = {};
  if (conf.idling_timeout > 0) left['idling-timeout'] = data.issued + conf.idling_timeout - at;
  if (conf.rolling_timeout > 0) left['rolling-timeout'] = data.issued + conf.rolling_timeout - at;
  if (conf.absolute_timeout > 0) left['absolute-timeout'] = data.created + conf.absolute_timeout - at;
  const values = Object.values(left);
  if (values.length > 0) left.timeout = Math.min(...values);
  return left;
}

/** Kong's Session-* headers (request_headers upstream, response_headers to the client). */
function sessionHeaders(conf: SessionConf, data: SessionData, which: string[] | null): Array<[string, string]> {
  const left = remaining(conf, data, now());
  const values: Record<string, string | undefined> = {
    id: data.sid, audience: data.aud, subject: data.sub,
    ...Object.fromEntries(Object.entries(left).map(([name, seconds]) => [name, String(Math.max(0, seconds))])),
  };
  const out: Array<[string, string]> = [];
  for (const name of which ?? []) {
    const value = values[name];
    if (value !== undefined) out.push([`Session-${name.split('-').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('-')}`, value]);
  }
  return out;
}

/** session.logout(conf): a logout method plus the query arg (or the form arg with read_body_for_logout). */
async function isLogout(kong: Pdk, conf: SessionConf): Promise<boolean> {
  if (!(conf.logout_methods ?? []).includes(kong.request.get_method())) return false;
  if (conf.logout_query_arg !== null && kong.request.get_query_arg(conf.logout_query_arg) !== undefined) return true;
  if (conf.logout_post_arg !== null && conf.read_body_for_logout) {
    const body = await kong.request.get_body();
    return body !== null && typeof body === 'object' && (body as Record<string, unknown>)[conf.logout_post_arg] !== undefined;
  }
  return false;
}

function subjectOf(conf: SessionConf, consumer: { id: string; username: string | null; custom_id: string | null }): string {
  const subject = consumer.username ?? consumer.custom_id ?? consumer.id;
  return conf.hash_subject ? createHash('sha256').update(subject).digest('base64url') : subject;
}

async function access(kong: Pdk, conf: Prepared): Promise<void> {
  const value = readCookie(kong, conf.cookie_name);
  const data = value === null ? null : openSession(value, conf.key);
  if (data === null || data.aud !== conf.audience) return;
  const at = now();
  if (Object.values(remaining(conf, data, at)).some((seconds) => seconds < 0)) return;
  // storage = kong: the server-side row must still exist (logout elsewhere revokes the session).
  const row = conf.storage === 'kong' ? await kong.db.selectByUnique('sessions', 'session_id', data.sid) : null;
  if (conf.storage === 'kong' && row === null) return;
  if (await isLogout(kong, conf)) {
    if (row !== null) await kong.db.delete('sessions', row.id);
    kong.response.add_header('Set-Cookie', cookieHeader(conf, '', true));
    kong.response.exit(200);
    return;
  }
  const consumer = await loadConsumerCached(kong, data.consumer);
  if (consumer === null) return;
  // Refresh: re-issue the cookie once a tenth of the shortest idle/rolling window has passed, so
  // an active client never idles out while most requests carry no Set-Cookie.
  const windows = [conf.idling_timeout, conf.rolling_timeout].filter((seconds) => seconds > 0);
  const refreshAfter = windows.length === 0 ? Infinity : Math.max(1, Math.min(...windows) / 10);
  const current = at - data.issued >= refreshAfter ? { ...data, issued: at } : data;
  if (current !== data) kong.response.add_header('Set-Cookie', cookieHeader(conf, sealSession(current, conf.key)));
  setAuthenticatedConsumer(kong, consumer, { id: data.credential }, data.credential);
  if (data.groups !== null && data.groups.length > 0) {
    kong.ctx.shared.authenticated_groups = data.groups;
    kong.service.request.set_header(CONSUMER_HEADERS.AUTHENTICATED_GROUPS, data.groups.join(', '));
  }
  for (const [name, headerValue] of sessionHeaders(conf, current, conf.request_headers)) kong.service.request.set_header(name, headerValue);
  kong.ctx.plugin.session = current;
}

/** storage = kong: the server-side row of a new session, living as long as the session may. */
async function storeSession(kong: Pdk, conf: Prepared, data: SessionData): Promise<void> {
  const lifetime = conf.absolute_timeout > 0 ? conf.absolute_timeout : conf.rolling_timeout;
  await kong.db.insert('sessions', {
    id: randomUUID(), session_id: data.sid, expires: lifetime > 0 ? data.created + lifetime : null,
    data: JSON.stringify({ consumer: data.consumer, credential: data.credential, groups: data.groups }), created_at: data.created,
    ...(lifetime > 0 ? { ttl: lifetime } : {}),
  });
}

async function headerFilter(kong: Pdk, conf: Prepared): Promise<void> {
  let data = kong.ctx.plugin.session as SessionData | undefined;
  const credential = kong.client.get_credential();
  const consumer = kong.client.get_consumer();
  if (credential !== null && consumer !== null && (data === undefined || data.credential !== credential.id || data.consumer !== consumer.id)) {
    // A later auth plugin authenticated this request: start a session for it.
    const groups = kong.ctx.shared.authenticated_groups;
    const at = now();
    data = {
      sid: newSessionId(), sub: subjectOf(conf, consumer), aud: conf.audience, consumer: consumer.id, credential: credential.id,
      groups: Array.isArray(groups) ? groups.map(String) : null, created: at, issued: at,
    };
    if (conf.storage === 'kong') await storeSession(kong, conf, data);
    kong.response.add_header('Set-Cookie', cookieHeader(conf, sealSession(data, conf.key)));
  }
  if (data !== undefined) for (const [name, value] of sessionHeaders(conf, data, conf.response_headers)) kong.response.set_header(name, value);
}

export const plugin = definePlugin({
  name: 'session',
  version: KONG_VERSION,
  priority: 1900,
  schema: sessionSchema,
  daos: [sessionsDao],
  prepare(rawConf): Prepared {
    const conf = rawConf as unknown as SessionConf;
    // The key is derived once per config version, never per request.
    return { ...conf, key: deriveKey(conf.secret, conf.audience) };
  },
  access,
  header_filter: headerFilter,
});
