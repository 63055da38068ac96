// REST ⇄ gRPC message transcoding for one binding: path variables, query arguments and the JSON
// body become the request message (google/api/http.proto rules: path variables win over the
// body), encoded and gRPC-framed; the upstream's first response message becomes JSON with
// proto field names, defaults included, 64-bit integers as strings and enums by name.
import type * as Protobuf from 'protobufjs';
import type { HttpBinding } from './proto-loader.ts';

type QueryValue = string | boolean | Array<string | boolean>;
type Plain = Record<string, unknown>;

export class TranscodeError extends Error {}

const NUMBER_TYPES = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);

/** A path/query text converted to what protobufjs' fromObject expects for the field's type. */
function scalar(field: Protobuf.Field, text: string | boolean): unknown {
  if (typeof text === 'boolean') return field.type === 'bool' ? text : '';
  if (field.type === 'bool') return text === 'true';
  if (NUMBER_TYPES.has(field.type)) {
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) throw new TranscodeError(`invalid value for field ${field.name}: ${JSON.stringify(text)}`);
    return value;
  }
  // 64-bit integers stay strings (Long parses them); enums by name; bytes as base64.
  return text;
}

/** Sets `a.b.c` on the plain message object, following the message types of the path. */
function assign(target: Plain, type: Protobuf.Type, path: string, value: QueryValue): boolean {
  const names = path.split('.');
  let object = target;
  let current = type;
  for (let index = 0; index < names.length; index += 1) {
    const field = current.fields[names[index]!];
    if (field === undefined) return false;
    field.resolve();
    if (index === names.length - 1) {
      const values = Array.isArray(value) ? value : [value];
      object[field.name] = field.repeated ? values.map((item) => scalar(field, item)) : scalar(field, values[values.length - 1]!);
      return true;
    }
    if (!(field.resolvedType instanceof Object) || !('fields' in field.resolvedType)) return false;
    object = (object[field.name] ??= {}) as Plain;
    current = field.resolvedType as Protobuf.Type;
  }
  return false;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new TranscodeError(`failed to decode request body: ${(error as Error).message}`);
  }
}

function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

/** The gRPC request body for a REST call on `binding`. */
export function encodeRequest(binding: HttpBinding, params: Map<string, string>, query: Record<string, QueryValue>, body: Buffer): Buffer {
  const type = binding.requestType;
  let object: Plain = {};
  if (binding.body === '*') {
    const parsed = parseJson(body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TranscodeError('request body must be a JSON object');
    object = parsed as Plain;
  } else {
    if (binding.body !== null) object[binding.body] = parseJson(body);
    // Without a whole-body mapping, query arguments fill the remaining fields.
    for (const [name, value] of Object.entries(query)) assign(object, type, name, value);
  }
  for (const [path, value] of params) {
    if (!assign(object, type, path, value)) throw new TranscodeError(`unknown field ${path} in path template ${binding.template.source}`);
  }
  let message: Protobuf.Message;
  try {
    message = type.fromObject(object);
  } catch (error) {
    throw new TranscodeError((error as Error).message);
  }
  return frame(type.encode(message).finish());
}

/** JSON of the first response message in a gRPC body; null when the body holds none. */
export function decodeResponse(binding: HttpBinding, body: Buffer): string | null {
  if (body.length < 5) return null;
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) return null;
  const type = binding.responseType;
  const message = type.decode(body.subarray(5, 5 + length));
  return JSON.stringify(type.toObject(message, { longs: String, enums: String, bytes: String, defaults: true, arrays: true }));
}
