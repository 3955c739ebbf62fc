/**
 * Decodes one entity or character reference (the bytes after '&') without
 * keeping its text. Without a DTD only the five predefined entities exist, so
 * `&xxe;` and other external or recursive references are malformed here.
 */

export const REFERENCE_INCOMPLETE = 0;
export const REFERENCE_MALFORMED = -1;

const NAME = 1;
const HASH = 2;
const DECIMAL = 3;
const HEX_FIRST = 4;
const HEX = 5;

/** Names of at most four ASCII letters packed 7 bits per letter. */
function pack(name: string): number {
  let packed = 0;
  for (let i = 0; i < name.length; i++) packed = packed * 128 + name.charCodeAt(i);
  return packed;
}
const PREDEFINED = new Set(['lt', 'gt', 'amp', 'apos', 'quot'].map(pack));
const LONGEST_PREDEFINED = 4;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

function isXmlCharacter(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

export class XmlReferenceDecoder {
  private state = 0;
  private value = 0;
  private length = 0;

  /** Starts a reference; the '&' has been read. */
  begin(): void {
    this.state = 0;
    this.value = 0;
    this.length = 0;
  }

  /**
   * Takes the next byte. Returns the UTF-16 units the reference stands for
   * (1 or 2) once ';' ends it, REFERENCE_INCOMPLETE while it goes on, or
   * REFERENCE_MALFORMED.
   */
  push(b: number): number {
    switch (this.state) {
      case 0:
        if (b === 0x23 /* # */) this.state = HASH;
        else if ((b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a)) {
          this.state = NAME;
          this.value = b;
          this.length = 1;
        } else return REFERENCE_MALFORMED;
        return REFERENCE_INCOMPLETE;
      case NAME:
        if (b === 0x3b /* ; */) return PREDEFINED.has(this.value) ? 1 : REFERENCE_MALFORMED;
        if (++this.length > LONGEST_PREDEFINED || !((b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a)))
          return REFERENCE_MALFORMED;
        this.value = this.value * 128 + b;
        return REFERENCE_INCOMPLETE;
      case HASH:
        if (b === 0x78 /* x */) {
          this.state = HEX_FIRST;
          return REFERENCE_INCOMPLETE;
        }
        this.state = DECIMAL;
        return this.digit(10, b >= 0x30 && b <= 0x39 ? b - 0x30 : -1);
      case DECIMAL:
        if (b === 0x3b) return this.end();
        return this.digit(10, b >= 0x30 && b <= 0x39 ? b - 0x30 : -1);
      case HEX_FIRST:
        this.state = HEX;
        return this.digit(16, hexValue(b));
      default:
        if (b === 0x3b) return this.end();
        return this.digit(16, hexValue(b));
    }
  }

  private digit(base: number, digit: number): number {
    if (digit < 0) return REFERENCE_MALFORMED;
    this.value = this.value * base + digit;
    // Stop before the number grows unbounded: nothing above U+10FFFF is a character.
    return this.value > 0x10ffff ? REFERENCE_MALFORMED : REFERENCE_INCOMPLETE;
  }

  private end(): number {
    if (!isXmlCharacter(this.value)) return REFERENCE_MALFORMED;
    return this.value >= 0x10000 ? 2 : 1;
  }
}
