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
export function compileLimits<K extends string>(
  config: Partial<Record<K, number>>,
  names: readonly K[],
): Readonly<Record<K, number>> {
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

/**
 * What the scanners share: the first violation is kept and returned from then
 * on, and offsets count across chunks. A scanner implements `scan` (one chunk)
 * and `finish` (the end of the body).
 */
export abstract class StreamingScanner implements BodyScanner {
  private violation: ScanViolation | undefined;
  /** Offset of the current chunk's first byte in the body. */
  protected base = 0;

  constructor(private readonly format: 'JSON' | 'XML') {}

  write(chunk: Uint8Array): ScanViolation | undefined {
    if (this.violation !== undefined) return this.violation;
    const violation = this.scan(chunk);
    this.base += chunk.length;
    return violation;
  }

  end(): ScanViolation | undefined {
    if (this.violation !== undefined) return this.violation;
    return this.finish();
  }

  /** Scans the next chunk (`base` is its offset); returns the first violation. */
  protected abstract scan(chunk: Uint8Array): ScanViolation | undefined;

  /** The end of the body: a violation when the document is incomplete. */
  protected abstract finish(): ScanViolation | undefined;

  /** A malformed body, at byte `i` of the current chunk. */
  protected invalid(i: number, reason: string): ScanViolation {
    const at = this.base + i;
    return this.fail({ error: `invalid ${this.format} body at byte ${at}: ${reason}`, at });
  }

  /** Keeps `violation` as the scanner's answer from now on. */
  protected fail(violation: ScanViolation): ScanViolation {
    this.violation = violation;
    return violation;
  }
}
