// request-transformer config — kong/plugins/request-transformer/schema.lua: remove takes names,
// the others `name:value` pairs (rename `old:new`); values are checked as templates up front.
import type { PluginSchema } from '../../pdk/index.ts';
import { PROTOCOLS, typedefs, validateHeaderName } from '../../schema/index.ts';
import { compileTemplate } from './template.ts';

/** Kong's `^([^:]+):*(.-)$` split of a `name:value` entry. */
export function splitEntry(entry: string): [name: string, value: string] {
  const match = /^([^:]+):*([\s\S]*)$/.exec(entry);
  return match === null ? [entry, ''] : [match[1]!, match[2]!];
}

function checkForValue(entry: string): true | string {
  const [name, value] = splitEntry(entry);
  if (value === '') return `key '${name}' has no value`;
  try {
    compileTemplate(value);
  } catch (error) {
    return `value '${value}' is not in supported format, error:${(error as Error).message}`;
  }
  return true;
}

function checkHeaderEntry(entry: string): true | string {
  const valid = validateHeaderName(splitEntry(entry)[0]);
  return valid === true ? checkForValue(entry) : valid;
}

function checkRenamedHeader(entry: string): true | string {
  const [from, to] = splitEntry(entry);
  if (to === '') return `key '${from}' has no value`;
  const valid = validateHeaderName(from);
  return valid === true ? validateHeaderName(to) : valid;
}

const names = { type: 'array', required: true, default: [], elements: { type: 'string' } } as const;
const headerNames = { type: 'array', required: true, default: [], elements: { type: 'string', custom_validator: validateHeaderName } } as const;
const pairs = { type: 'array', required: true, default: [], elements: { type: 'string', custom_validator: checkForValue } } as const;
const headerPairs = { type: 'array', required: true, default: [], elements: { type: 'string', match: '^[^:]+:.*$', custom_validator: checkHeaderEntry } } as const;
const headerRenames = { type: 'array', required: true, default: [], elements: { type: 'string', match: '^[^:]+:.*$', custom_validator: checkRenamedHeader } } as const;

const pairRecord = { type: 'record', required: true, fields: { body: pairs, headers: headerPairs, querystring: pairs } } as const;

export const requestTransformerSchema = {
  protocols: PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      http_method: typedefs.http_method,
      remove: { type: 'record', required: true, fields: { body: names, headers: headerNames, querystring: names } },
      rename: { type: 'record', required: true, fields: { body: pairs, headers: headerRenames, querystring: pairs } },
      replace: { type: 'record', required: true, fields: { body: pairs, headers: headerPairs, querystring: pairs, uri: { type: 'string' } } },
      add: pairRecord,
      append: pairRecord,
    },
  },
} as const satisfies PluginSchema;
