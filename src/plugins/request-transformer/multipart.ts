// multipart/form-data bodies for request-transformer: split into parts keyed by their form
// name, edited as text fields, and written back with the request's own boundary. File parts
// are kept byte for byte (only text fields are values the operations can read or write).

/**
 * One part: its form name, the raw header block and its content.
 * @example
 * const part: MultipartPart = { name: 'a', headers: 'Content-Disposition: form-data; name="a"', content: Buffer.from('1') };
 */
export interface MultipartPart { name: string; headers: string; content: Buffer }

export function multipartBoundary(contentType: string): string | null {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match === null ? null : (match[1] ?? match[2]!);
}

/**
 * Parts of a multipart body, or null when it is not well-formed.
 * @example
 * parseMultipart(body, 'xyz');
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] | null {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) return null;
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') return parts;
    const next = body.indexOf(delimiter, position);
    if (next < 0) return null;
    const chunk = body.subarray(position + 2, next - 2); // skip CRLF after the delimiter and before the next
    const split = chunk.indexOf('\r\n\r\n');
    if (split < 0) return null;
    const headers = chunk.subarray(0, split).toString('latin1');
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) return null;
    parts.push({ name, headers, content: chunk.subarray(split + 4) });
    position = next;
  }
}

/**
 * Writes parts back with `boundary`.
 * @example
 * serializeMultipart(parts, 'xyz');
 */
export function serializeMultipart(parts: readonly MultipartPart[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) chunks.push(Buffer.from(`--${boundary}\r\n${part.headers}\r\n\r\n`, 'latin1'), part.content, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/**
 * A text field part.
 * @example
 * textPart('a', 'value');
 */
export function textPart(name: string, value: string): MultipartPart {
  return { name, headers: `Content-Disposition: form-data; name="${name}"`, content: Buffer.from(value) };
}
