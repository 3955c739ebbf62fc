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

/** A limit of a scanner: unlimited is Infinity, so checks are one comparison. */
export function limitOrInfinity(value: number | undefined): number {
  return value === undefined || value < 0 ? Infinity : value;
}

/** A broken limit, e.g. "JSON nesting depth exceeds maxContainerDepth (100) at byte 100". */
export function limitViolation(what: string, limit: string, max: number, at: number): ScanViolation {
  return { error: `${what} exceeds ${limit} (${max}) at byte ${at}`, limit, max, at };
}
