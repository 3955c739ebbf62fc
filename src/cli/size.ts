import { InvalidArgumentError } from 'commander';
import { MIB } from '../manifest/limits.js';

/** A size in MiB (whole or decimal) → bytes. */
export function parseMebibytes(value: string): number {
  const mib = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(mib > 0))
    throw new InvalidArgumentError(`expected a size in MiB such as 16 or 0.5, got "${value}"`);
  return Math.round(mib * MIB);
}
