// parse_llm_response_json_instructions (kong-ai.md §13): the LLM answers
// `{"status": <int>, "headers": {...}, "body": <string or any>}`; headers merge over the
// upstream's, status defaults to 200, a missing body means the whole object (JSON-encoded).

export type Instructed =
  | { ok: true; status: number; headers: Record<string, string | string[]>; body: string }
  | { ok: false; message: string };

export function applyInstructions(text: string, upstreamHeaders: Record<string, string | string[]>): Instructed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `failed to parse JSON response instructions from AI backend: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: 'failed to parse JSON response instructions from AI backend: instructions must be an object' };
  }
  const instructions = parsed as { status?: unknown; headers?: unknown; body?: unknown };
  const headers: Record<string, string | string[]> = { ...upstreamHeaders };
  if (typeof instructions.headers === 'object' && instructions.headers !== null) {
    for (const [name, value] of Object.entries(instructions.headers as Record<string, unknown>)) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
    }
  }
  const status = Number.isInteger(instructions.status) ? instructions.status as number : 200;
  const body = instructions.body === undefined ? JSON.stringify(parsed)
    : typeof instructions.body === 'string' ? instructions.body : JSON.stringify(instructions.body);
  return { ok: true, status, headers, body };
}
