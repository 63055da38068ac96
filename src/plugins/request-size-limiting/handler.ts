// request-size-limiting — kong/plugins/request-size-limiting/handler.lua: a numeric
// Content-Length is compared with the limit; without one the body is read and measured (or,
// with require_content_length, refused with 411). Too large: 413, or 417 when the client sent
// `Expect: 100-continue`, both "Request size limit exceeded".
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { requestSizeLimitingSchema } from './schema.ts';

type SizeConf = ConfOf<typeof requestSizeLimitingSchema>;

const UNIT_BYTES: Record<string, number> = { bytes: 1, kilobytes: 1024, megabytes: 1_048_576 };

function reject(kong: Pdk): void {
  const expect = kong.request.get_header('expect');
  const status = expect !== undefined && expect.trim().toLowerCase() === '100-continue' ? 417 : 413;
  kong.response.error(status, 'Request size limit exceeded');
}

/** Lua's tonumber on a header: decimal (or hex) numerals with surrounding spaces. */
function numericLength(value: string | undefined): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (!/^(?:\d+(?:\.\d*)?|\.\d+|0[xX][0-9a-fA-F]+)$/.test(trimmed)) return null;
  return Number(trimmed);
}

export const plugin = definePlugin({
  name: 'request-size-limiting',
  version: KONG_VERSION,
  priority: 951,
  schema: requestSizeLimitingSchema,
  prepare: (conf: SizeConf) => ({ ...conf, limit: (conf.allowed_payload_size ?? 128) * UNIT_BYTES[conf.size_unit]! }),
  async access(kong, conf) {
    const length = numericLength(kong.request.get_header('content-length'));
    if (length !== null) {
      if (length > conf.limit) reject(kong);
      return;
    }
    if (conf.require_content_length && kong.request.get_header('transfer-encoding')?.toLowerCase() !== 'chunked') {
      return kong.response.error(411, 'A valid Content-Length header is required');
    }
    let size: number;
    try {
      size = (await kong.request.get_raw_body()).length;
    } catch {
      // The proxy refuses to buffer a body above its own ceiling: that is above any limit too.
      return reject(kong);
    }
    if (size > conf.limit) reject(kong);
  },
});
