// The `grpc-timeout` request header (gRPC over HTTP/2 spec): at most 8 ASCII digits and a unit
// (H hours, M minutes, S seconds, m milliseconds, u microseconds, n nanoseconds).
const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };
const FORMAT = /^(\d{1,8})([HMSmun])$/;

/** The deadline in whole milliseconds (at least 1 for a positive value), or null when absent/invalid. */
export function parseGrpcTimeout(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string') return null;
  const match = FORMAT.exec(value.trim());
  if (match === null) return null;
  const amount = Number(match[1]) * UNIT_MS[match[2]!]!;
  return amount <= 0 ? 0 : Math.max(1, Math.ceil(amount));
}
