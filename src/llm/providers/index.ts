// The ONE registry of LLM provider drivers, keyed by Kong's `model.provider` value.
// Add a provider here and nowhere else.

import { bedrockDriver } from './bedrock/index.ts';
import { geminiDriver } from './gemini/index.ts';
import { huggingfaceDriver } from './huggingface/index.ts';
import { llama2Driver } from './llama2/index.ts';
import { anthropicDriver } from './anthropic/driver.ts';
import { azureDriver } from './azure/driver.ts';
import { cohereDriver } from './cohere/driver.ts';
import { mistralDriver } from './mistral/driver.ts';
import { openaiDriver } from './openai/driver.ts';
import type { ProviderDriver } from './types.ts';

const DRIVERS: readonly ProviderDriver[] = [openaiDriver, azureDriver, anthropicDriver, cohereDriver, mistralDriver, geminiDriver, bedrockDriver, llama2Driver, huggingfaceDriver];

export const PROVIDERS: ReadonlyMap<string, ProviderDriver> = new Map(DRIVERS.map((driver) => [driver.name, driver]));

export function getProvider(name: string): ProviderDriver | undefined {
  return PROVIDERS.get(name);
}

export function providerNames(): string[] {
  return [...PROVIDERS.keys()];
}
