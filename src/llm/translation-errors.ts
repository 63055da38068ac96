// Kong's translation error wording (kong/llm/plugin/shared-filters/normalize-*.lua). Drivers
// return only the reason; the glue builds the client body with these helpers so the messages
// stay identical across providers.

import { errorBody } from './protocols/openai.ts';
import type { ErrorBody } from './protocols/openai.ts';
import { formatLabel } from './protocols/route-types.ts';
import type { RouteType } from './protocols/route-types.ts';
import type { Translation } from './providers/types.ts';

/** 400 when the request cannot be translated: "no transformer for mistral://llm/v1/completions". */
export function noTransformer<T>(provider: string, routeType: RouteType): Translation<T> {
  return { ok: false, message: `no transformer for ${formatLabel(provider, routeType)}` };
}

/** 400 when a driver's to_format fails: "error transforming to anthropic://llm/v1/chat". */
export function errorTransformingTo<T>(provider: string, routeType: RouteType, detail?: string): Translation<T> {
  const base = `error transforming to ${formatLabel(provider, routeType)}`;
  return { ok: false, message: detail ? `${base}: ${detail}` : base };
}

/** 500 body for an untranslatable 200 answer: "transformation failed from type openai://llm/v1/chat: <reason>". */
export function transformationFailedBody(provider: string, routeType: RouteType, reason: string): ErrorBody {
  return errorBody(`transformation failed from type ${formatLabel(provider, routeType)}: ${reason}`);
}
