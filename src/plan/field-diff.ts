import { formatPath, type PathSegment } from '../errors/diagnostic.js';
import { deepEqual } from '../gateway/state/digest.js';
import type { FieldChange } from './types.js';
import { isPlainObject } from '../util/plain-object.js';

/**
 * Leaf-level differences between two JSON values, as before → after. Arrays of
 * different length are reported whole at their path.
 */
export function fieldChanges(before: unknown, after: unknown, prefix: PathSegment[] = []): FieldChange[] {
  if (deepEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], [...prefix, k]));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((v, i) => fieldChanges(v, after[i], [...prefix, i]));
  }
  return [{ path: formatPath(prefix), before, after }];
}
