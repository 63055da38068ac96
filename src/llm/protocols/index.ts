export * from './openai.ts';
export * from './route-types.ts';
