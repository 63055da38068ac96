// What ai-prompt-guard inspects and how it decides (kong/plugins/ai-prompt-guard/handler.lua,
// kong-ai.md §12). Pure: the handler turns a rejection into Kong's opaque 400.
import type { SafeRegex } from '../../core/regex.ts';

export interface GuardOptions {
  allow: readonly SafeRegex[];
  deny: readonly SafeRegex[];
  allowAllConversationHistory: boolean;
  matchAllRoles: boolean;
}

/** The inspected text, or the (debug-log only) reason the body cannot be inspected. */
export function inspectedText(body: Record<string, unknown>, options: GuardOptions): { ok: true; text: string } | { ok: false; reason: string } {
  if (Array.isArray(body.messages)) {
    const parts: string[] = [];
    // Newest first, as Kong walks the conversation from the end.
    for (let index = body.messages.length - 1; index >= 0; index--) {
      const message = body.messages[index] as { role?: unknown; content?: unknown } | null;
      if (typeof message?.role !== 'string') return { ok: false, reason: 'message role must be a string' };
      if (message.role !== 'user' && !options.matchAllRoles) continue;
      if (typeof message.content !== 'string') return { ok: false, reason: 'message content must be a string' };
      parts.push(message.content);
      // With the history allowed, only the latest user message is checked.
      if (options.allowAllConversationHistory) break;
    }
    return { ok: true, text: parts.join(' ') };
  }
  if (typeof body.prompt === 'string') return { ok: true, text: body.prompt };
  return { ok: false, reason: 'this LLM route only supports llm/chat or llm/completions type requests' };
}

/** null when the text may pass, else the reason (Kong logs it; the client only sees "bad request"). */
export function guardVerdict(text: string, options: GuardOptions): string | null {
  for (const pattern of options.deny) if (pattern.test(text)) return 'prompt pattern is blocked';
  if (options.allow.length === 0) return null;
  for (const pattern of options.allow) if (pattern.test(text)) return null;
  return "prompt doesn't match any allowed pattern";
}
