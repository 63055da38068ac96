// OpenAI carries tool-call arguments as a JSON string; native APIs (Anthropic tool_use.input,
// Bedrock toolUse.input, Gemini functionCall.args) want the decoded object.

/** Decoded arguments ({} when empty), or undefined when the string is not JSON. */
export function decodeToolArguments(text: string | undefined): { value: unknown } | undefined {
  if (!text) return { value: {} };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
