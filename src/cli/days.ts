import { InvalidArgumentError } from 'commander';

/** A whole number of days (0 or more). */
export function parseDays(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`expected a whole number of days such as 30, got "${value}"`);
  return Number(value);
}
