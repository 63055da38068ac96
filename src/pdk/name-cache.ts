// Header names repeat on every request (the same plugins read and set the same headers), and
// normalising them each time showed up in profiles: each spelling is converted once. Bounded,
// as names can also come from configuration or clients.
const MAX_CACHED_NAMES = 2048;

/**
 * A memoised `transform` for header names.
 * @example
 * const lower = memoizeNames((name) => name.toLowerCase());
 * lower('X-Foo'); // 'x-foo', computed once
 */
export function memoizeNames(transform: (name: string) => string): (name: string) => string {
  const cache = new Map<string, string>();
  return (name: string): string => {
    let converted = cache.get(name);
    if (converted === undefined) {
      converted = transform(name);
      if (cache.size < MAX_CACHED_NAMES) cache.set(name, converted);
    }
    return converted;
  };
}
