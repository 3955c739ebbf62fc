const frozen = new WeakSet<object>();

/**
 * Freezes a value and everything it holds, and remembers it: caches keyed by
 * object identity (fingerprints, built API states) may trust such an object
 * never to change. Writing to it throws instead of silently staling a cache.
 */
export function freezeDeep<T extends object>(value: T): T {
  if (frozen.has(value)) return value;
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) freezeDeep(child);
  }
  Object.freeze(value);
  frozen.add(value);
  return value;
}

export function isFrozenDeep(value: object): boolean {
  return frozen.has(value);
}
