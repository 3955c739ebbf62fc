/**
 * Per-level stacks of the scanners start small and double on demand, so a
 * shallow body costs little even when the configured depth limit is large.
 */

export const INITIAL_LEVELS = 32;

export function withIndexUint8(array: Uint8Array, index: number): Uint8Array {
  if (index < array.length) return array;
  const grown = new Uint8Array(Math.max(index + 1, array.length * 2));
  grown.set(array);
  return grown;
}

export function withIndexUint32(array: Uint32Array, index: number): Uint32Array {
  if (index < array.length) return array;
  const grown = new Uint32Array(Math.max(index + 1, array.length * 2));
  grown.set(array);
  return grown;
}
