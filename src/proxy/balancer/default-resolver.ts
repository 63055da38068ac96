// The process-wide system resolver, created on first use so importing the balancer costs nothing.

import { createSystemResolver } from './system-resolver.ts';
import type { DnsResolver } from './types.ts';

let systemResolver: DnsResolver | null = null;

export function defaultResolver(): DnsResolver {
  systemResolver ??= createSystemResolver();
  return systemResolver;
}
