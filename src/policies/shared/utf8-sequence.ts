/**
 * Byte-by-byte UTF-8 validation for the streaming scanners: a multi-byte
 * sequence may be split across chunks, so the state lives between calls.
 * Follows the WHATWG decoder's bounds, which reject overlong forms,
 * surrogates and code points above U+10FFFF.
 */
export class Utf8Sequence {
  /** Continuation bytes still expected; 0 between characters. */
  pending = 0;
  private lower = 0x80;
  private upper = 0xbf;

  /**
   * Starts a sequence at a lead byte >= 0x80. Returns how many UTF-16 code units
   * the character will take (1 or 2), or 0 when the byte cannot start a sequence.
   */
  lead(byte: number): number {
    this.lower = 0x80;
    this.upper = 0xbf;
    if (byte >= 0xc2 && byte <= 0xdf) {
      this.pending = 1;
      return 1;
    }
    if (byte >= 0xe0 && byte <= 0xef) {
      if (byte === 0xe0) this.lower = 0xa0;
      else if (byte === 0xed) this.upper = 0x9f;
      this.pending = 2;
      return 1;
    }
    if (byte >= 0xf0 && byte <= 0xf4) {
      if (byte === 0xf0) this.lower = 0x90;
      else if (byte === 0xf4) this.upper = 0x8f;
      this.pending = 3;
      return 2;
    }
    return 0;
  }

  /** Consumes one continuation byte; false when it does not fit the sequence. */
  continuation(byte: number): boolean {
    if (byte < this.lower || byte > this.upper) return false;
    this.lower = 0x80;
    this.upper = 0xbf;
    this.pending--;
    return true;
  }
}
