import { InvalidArgumentError } from 'commander';
import { durationMs, isDuration } from '../manifest/formats.js';

/** 30s, 5m, 250ms, or whole milliseconds. */
export function parseDuration(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  if (value === '0') return 0;
  if (!isDuration(value))
    throw new InvalidArgumentError(`expected a duration such as 250ms, 30s or 3m, got "${value}"`);
  return durationMs(value);
}
