/**
 * Byte classes of the XML scanner, as 256-entry tables so the hot loops test
 * a byte with one lookup. Bytes >= 0x80 are handled by the UTF-8 validator.
 */

function byteTable(predicate: (b: number) => boolean): Uint8Array {
  const table = new Uint8Array(256);
  for (let b = 0; b < 0x80; b++) table[b] = predicate(b) ? 1 : 0;
  return table;
}

function isLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** XML 1.0 allows these controls; every other byte below 0x20 is malformed. */
function isCharacter(b: number): boolean {
  return b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

export const WHITESPACE = byteTable((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);
export const NAME_START = byteTable((b) => isLetter(b) || b === 0x5f /* _ */ || b === 0x3a /* : */);
export const NAME_CHAR = byteTable(
  (b) => NAME_START[b] === 1 || isDigit(b) || b === 0x2d /* - */ || b === 0x2e /* . */,
);

/** Single-unit characters with no meaning in text (or an attribute value, whose quote is tested apart). */
export const PLAIN_TEXT = byteTable((b) => isCharacter(b) && b !== 0x3c /* < */ && b !== 0x26 /* & */);
/** Single-unit characters inside a comment other than the '-' that may end it. */
export const PLAIN_COMMENT = byteTable((b) => isCharacter(b) && b !== 0x2d);
/** Single-unit characters inside CDATA other than the ']' that may end it. */
export const PLAIN_CDATA = byteTable((b) => isCharacter(b) && b !== 0x5d);
/** Single-unit characters inside a processing instruction other than the '?' that may end it. */
export const PLAIN_PI = byteTable((b) => isCharacter(b) && b !== 0x3f);

/** FNV-1a, one byte at a time: open tag names are kept as hash + length, not as text. */
export const FNV_OFFSET = 0x811c9dc5;
export function fnvStep(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193) >>> 0;
}
