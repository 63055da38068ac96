// The `fields` of a declarative-config error (Kong §6.4): it mirrors the input, one positional
// array per section (null for valid entries), nested children under their parent, field errors
// as objects, entity-level messages as strings, reference errors as arrays of strings.
import { ErrorCode, KongError } from '../../core/errors.ts';
import { setOwn } from './walk.ts';

/** Position of an entity in the input: section, index, then child section, index, … */
export type Slot = ReadonlyArray<string | number>;

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class ErrorTree {
  readonly root: Node = {};

  get empty(): boolean {
    return Object.keys(this.root).length === 0;
  }

  /** A document-level error (`_format_version`, an unknown section, a section that is not an array). */
  setTopLevel(key: string, message: string): void {
    setOwn(this.root, key, message);
  }

  /** Field errors of one entity (KongError.fields of a schema violation), merged into its slot. */
  addFieldErrors(slot: Slot, fields: Record<string, unknown>): void {
    const node = this.nodeAt(slot);
    for (const [key, value] of Object.entries(fields)) {
      if (key === '@entity' && Array.isArray(node['@entity']) && Array.isArray(value)) {
        (node['@entity'] as unknown[]).push(...value);
      } else {
        setOwn(node, key, value);
      }
    }
  }

  /** An entity-level message (uniqueness, "expected a record"): a plain string in its slot. */
  addEntityMessage(slot: Slot, message: string): void {
    const [array, index] = this.arrayAt(slot);
    const current = array[index];
    if (current === null || current === undefined) array[index] = message;
    else this.pushEntityLine(array, index, message);
  }

  /** A reference error: Kong lists them per entity as an array of strings. */
  addReferenceMessage(slot: Slot, message: string): void {
    const [array, index] = this.arrayAt(slot);
    const current = array[index];
    if (current === null || current === undefined) array[index] = [message];
    else if (Array.isArray(current)) current.push(message);
    else this.pushEntityLine(array, index, message);
  }

  toKongError(extra?: Record<string, unknown>): KongError {
    return declarativeConfigError(this.root, extra);
  }

  private pushEntityLine(array: unknown[], index: number, message: string): void {
    const node = this.toNode(array, index);
    const lines = Array.isArray(node['@entity']) ? (node['@entity'] as unknown[]) : [];
    lines.push(message);
    node['@entity'] = lines;
  }

  /** Turn whatever sits in a slot into an object node (so children or field errors can join it). */
  private toNode(array: unknown[], index: number): Node {
    const current = array[index];
    if (isNode(current)) return current;
    const node: Node = {};
    if (typeof current === 'string') node['@entity'] = [current];
    else if (Array.isArray(current)) node['@entity'] = [...current];
    array[index] = node;
    return node;
  }

  private arrayAt(slot: Slot): [unknown[], number] {
    let node = this.root;
    for (let i = 0; i < slot.length; i += 2) {
      const key = slot[i] as string;
      const index = slot[i + 1] as number;
      let array = node[key];
      if (!Array.isArray(array)) node[key] = array = [];
      const items = array as unknown[];
      while (items.length <= index) items.push(null);
      if (i + 2 >= slot.length) return [items, index];
      node = this.toNode(items, index);
    }
    throw new Error('empty error slot');
  }

  private nodeAt(slot: Slot): Node {
    const [array, index] = this.arrayAt(slot);
    return this.toNode(array, index);
  }
}

/** Kong's errors:declarative_config(err_t): code 14 with the error table pretty-printed into the message. */
export function declarativeConfigError(fields: Record<string, unknown>, extra?: Record<string, unknown>): KongError {
  return new KongError(ErrorCode.DECLARATIVE_CONFIG, `declarative config is invalid: ${luaTableRepr(fields)}`, fields, extra);
}

const LUA_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * pl.pretty.write(t, "") as Kong uses it for this message: compact, keys sorted, identifiers
 * bare and other keys bracketed; a Lua array with holes (our nulls) prints its entries as `[i]=`.
 */
export function luaTableRepr(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => v !== null && v !== undefined)) return `{${value.map(luaTableRepr).join(',')}}`;
    const entries = value.flatMap((v, i) => (v === null || v === undefined ? [] : [`[${i + 1}]=${luaTableRepr(v)}`]));
    return `{${entries.join(',')}}`;
  }
  const node = value as Node;
  const entries = Object.keys(node).sort().map((key) => `${LUA_IDENTIFIER.test(key) ? key : `[${JSON.stringify(key)}]`}=${luaTableRepr(node[key])}`);
  return `{${entries.join(',')}}`;
}
