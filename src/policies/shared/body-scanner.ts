/**
 * The shape shared by the streaming body scanners of the threat-protection
 * policies: bytes go in chunk by chunk, the first violation comes out.
 */

/** Why a body was rejected; sent to the client as the 400 body. */
export interface ScanViolation {
  /** What went wrong, for a human. */
  error: string;
  /** The config field whose limit was broken; absent for malformed bodies and DTDs. */
  limit?: string;
  /** The configured value of that limit. */
  max?: number;
  /** Offset (0-based) of the byte at which the violation was detected. */
  at: number;
}

export interface BodyScanner {
  /** Scans the next chunk; returns the first violation, and keeps returning it afterwards. */
  write(chunk: Uint8Array): ScanViolation | undefined;
  /** Declares the end of the body; returns a violation when the document is incomplete. */
  end(): ScanViolation | undefined;
}

/**
 * A scanner's limits from its policy's config, compiled at reload: -1 (the
 * schema default) or a missing field is Infinity, so each check is one comparison.
 */
export function compileLimits<K extends string>(config: Partial<Record<K, number>>, names: readonly K[]): Readonly<Record<K, number>> {
  const limits = {} as Record<K, number>;
  for (const name of names) {
    const value = config[name];
    limits[name] = value === undefined || value < 0 ? Infinity : value;
  }
  return Object.freeze(limits);
}

/** A broken limit, e.g. "JSON nesting depth exceeds maxContainerDepth (100) at byte 100". */
export function limitViolation(what: string, limit: string, max: number, at: number): ScanViolation {
  return { error: `${what} exceeds ${limit} (${max}) at byte ${at}`, limit, max, at };
}
