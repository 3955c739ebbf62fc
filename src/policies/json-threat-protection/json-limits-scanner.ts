import { StreamingScanner, type ScanViolation, compileLimits, limitViolation } from '../shared/body-scanner.js';
import { INITIAL_LEVELS, withIndexUint32, withIndexUint8 } from '../shared/typed-array-growth.js';
import { Utf8Sequence } from '../shared/utf8-sequence.js';

/**
 * An incremental JSON (RFC 8259) validator that enforces size limits while
 * the bytes stream in. It never holds a value: per open container it keeps
 * one kind byte and (only when a count limit is set) one counter, and per
 * string only a length. Lengths are counted in UTF-16 code units after
 * unescaping, i.e. what `JSON.parse(body).key.length` says.
 */

/** The limits of json-threat-protection, by their config names. */
export const JSON_LIMITS = [
  'maxContainerDepth',
  'maxObjectEntryCount',
  'maxObjectEntryNameLength',
  'maxArrayElementCount',
  'maxStringValueLength',
] as const;

/** Compiled limits; Infinity means unlimited. */
export type JsonLimits = Readonly<Record<(typeof JSON_LIMITS)[number], number>>;

export function compileJsonLimits(config: Partial<JsonLimits>): JsonLimits {
  return compileLimits(config, JSON_LIMITS);
}

// Between tokens: what the grammar expects next.
const EXPECT_VALUE = 0; // document start, after ':' or after ',' in an array
const EXPECT_VALUE_OR_ARRAY_END = 1; // after '['
const EXPECT_KEY_OR_OBJECT_END = 2; // after '{'
const EXPECT_KEY = 3; // after ',' in an object
const EXPECT_COLON = 4;
const EXPECT_COMMA_OR_END = 5; // after a value inside a container
const EXPECT_NOTHING = 6; // after the root value: whitespace only
// Inside a token.
const IN_STRING = 10;
const IN_ESCAPE = 11;
const IN_UNICODE_ESCAPE = 12;
const IN_LITERAL = 13;
const AFTER_MINUS = 20;
const AFTER_LEADING_ZERO = 21;
const IN_INTEGER = 22;
const AFTER_DOT = 23;
const IN_FRACTION = 24;
const AFTER_EXPONENT_MARK = 25;
const AFTER_EXPONENT_SIGN = 26;
const IN_EXPONENT = 27;
// A UTF-8 byte order mark at offset 0 is tolerated, as most JSON readers do.
const IN_BOM_1 = 30;
const IN_BOM_2 = 31;

const OBJECT = 1;
const ARRAY = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const LITERALS = {
  t: new TextEncoder().encode('true'),
  f: new TextEncoder().encode('false'),
  n: new TextEncoder().encode('null'),
};

/** Escapes that stand for one character: \" \\ \/ \b \f \n \r \t. */
const SIMPLE_ESCAPE = byteSet('"\\/bfnrt');
const HEX_DIGIT = byteSet('0123456789abcdefABCDEF');
const WHITESPACE = byteSet(' \t\n\r');

function byteSet(chars: string): Uint8Array {
  const set = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

export class JsonLimitsScanner extends StreamingScanner {
  private state = EXPECT_VALUE;

  private depth = 0;
  /** kinds[d] / counts[d]: the container open at depth d (1-based). */
  private kinds: Uint8Array = new Uint8Array(INITIAL_LEVELS);
  private counts: Uint32Array | undefined;

  private stringIsKey = false;
  private stringLength = 0;
  private stringMax = Infinity;
  private hexDigitsLeft = 0;
  private literal: Uint8Array = LITERALS.t;
  private literalIndex = 0;
  private readonly utf8 = new Utf8Sequence();

  constructor(private readonly limits: JsonLimits) {
    super('JSON');
    if (limits.maxObjectEntryCount !== Infinity || limits.maxArrayElementCount !== Infinity) {
      this.counts = new Uint32Array(INITIAL_LEVELS);
    }
  }

  protected scan(chunk: Uint8Array): ScanViolation | undefined {
    const length = chunk.length;
    let i = 0;
    while (i < length) {
      let b = chunk[i] as number;
      if (this.utf8.pending > 0) {
        if (!this.utf8.continuation(b)) return this.invalid(i, 'malformed UTF-8');
        i++;
        continue;
      }
      switch (this.state) {
        case IN_STRING: {
          // Fast path over plain ASCII, the bulk of most bodies.
          const max = this.stringMax;
          let count = this.stringLength;
          while (b >= 0x20 && b < 0x80 && b !== QUOTE && b !== BACKSLASH) {
            if (++count > max) return this.stringTooLong(i);
            if (++i === length) break;
            b = chunk[i] as number;
          }
          this.stringLength = count;
          if (i === length) break;
          if (b === QUOTE) {
            this.endString();
          } else if (b === BACKSLASH) {
            this.state = IN_ESCAPE;
          } else if (b < 0x20) {
            return this.invalid(i, 'control character in string');
          } else {
            const units = this.utf8.lead(b);
            if (units === 0) return this.invalid(i, 'malformed UTF-8');
            this.stringLength += units;
            if (this.stringLength > max) return this.stringTooLong(i);
          }
          i++;
          break;
        }
        case IN_ESCAPE:
          if (b === 0x75 /* u */) {
            this.state = IN_UNICODE_ESCAPE;
            this.hexDigitsLeft = 4;
          } else if (SIMPLE_ESCAPE[b] === 1) {
            this.state = IN_STRING;
            if (++this.stringLength > this.stringMax) return this.stringTooLong(i);
          } else {
            return this.invalid(i, 'invalid escape');
          }
          i++;
          break;
        case IN_UNICODE_ESCAPE:
          if (HEX_DIGIT[b] !== 1) return this.invalid(i, 'invalid \\u escape');
          if (--this.hexDigitsLeft === 0) {
            // One \uXXXX is one UTF-16 unit; a surrogate pair is two escapes, two units.
            this.state = IN_STRING;
            if (++this.stringLength > this.stringMax) return this.stringTooLong(i);
          }
          i++;
          break;
        case IN_LITERAL:
          if (b !== this.literal[this.literalIndex]) return this.invalid(i, 'invalid literal');
          if (++this.literalIndex === this.literal.length) this.endValue();
          i++;
          break;
        case AFTER_MINUS:
          if (b === 0x30) this.state = AFTER_LEADING_ZERO;
          else if (isDigit(b)) this.state = IN_INTEGER;
          else return this.invalid(i, 'digit expected after -');
          i++;
          break;
        case AFTER_LEADING_ZERO:
        case IN_INTEGER:
          if (isDigit(b)) {
            if (this.state === AFTER_LEADING_ZERO) return this.invalid(i, 'leading zero');
          } else if (b === 0x2e /* . */) {
            this.state = AFTER_DOT;
          } else if (b === 0x65 || b === 0x45 /* e E */) {
            this.state = AFTER_EXPONENT_MARK;
          } else {
            // The number ended at a byte that belongs to the next token: read it again.
            this.endValue();
            continue;
          }
          i++;
          break;
        case AFTER_DOT:
          if (!isDigit(b)) return this.invalid(i, 'digit expected after .');
          this.state = IN_FRACTION;
          i++;
          break;
        case IN_FRACTION:
          if (b === 0x65 || b === 0x45) this.state = AFTER_EXPONENT_MARK;
          else if (!isDigit(b)) {
            this.endValue();
            continue;
          }
          i++;
          break;
        case AFTER_EXPONENT_MARK:
          if (b === 0x2b || b === 0x2d /* + - */) this.state = AFTER_EXPONENT_SIGN;
          else if (isDigit(b)) this.state = IN_EXPONENT;
          else return this.invalid(i, 'digit expected in exponent');
          i++;
          break;
        case AFTER_EXPONENT_SIGN:
          if (!isDigit(b)) return this.invalid(i, 'digit expected in exponent');
          this.state = IN_EXPONENT;
          i++;
          break;
        case IN_EXPONENT:
          if (!isDigit(b)) {
            this.endValue();
            continue;
          }
          i++;
          break;
        case IN_BOM_1:
        case IN_BOM_2:
          if (b !== (this.state === IN_BOM_1 ? 0xbb : 0xbf)) return this.invalid(i, 'malformed byte order mark');
          this.state = this.state === IN_BOM_1 ? IN_BOM_2 : EXPECT_VALUE;
          i++;
          break;
        default: {
          const violation = this.token(b, i);
          if (violation !== undefined) return violation;
          i++;
        }
      }
    }
    return undefined;
  }

  protected finish(): ScanViolation | undefined {
    const s = this.state;
    if (s === AFTER_LEADING_ZERO || s === IN_INTEGER || s === IN_FRACTION || s === IN_EXPONENT) this.endValue();
    // Offset 0 of no further chunk: the error points just past the last byte.
    if (this.state !== EXPECT_NOTHING) return this.invalid(0, 'unexpected end of body');
    return undefined;
  }

  /** A byte between tokens: whitespace, punctuation or the first byte of a value. */
  private token(b: number, i: number): ScanViolation | undefined {
    if (WHITESPACE[b] === 1) return undefined;
    const s = this.state;
    const expectsValue = s === EXPECT_VALUE || s === EXPECT_VALUE_OR_ARRAY_END;
    switch (b) {
      case 0x7b /* { */:
        if (!expectsValue) break;
        return this.beginValue(i) ?? this.open(OBJECT, EXPECT_KEY_OR_OBJECT_END, i);
      case 0x5b /* [ */:
        if (!expectsValue) break;
        return this.beginValue(i) ?? this.open(ARRAY, EXPECT_VALUE_OR_ARRAY_END, i);
      case QUOTE:
        if (expectsValue) {
          this.startString(false, this.limits.maxStringValueLength);
          return this.beginValue(i);
        }
        if (s !== EXPECT_KEY && s !== EXPECT_KEY_OR_OBJECT_END) break;
        this.startString(true, this.limits.maxObjectEntryNameLength);
        return this.countEntry(i, this.limits.maxObjectEntryCount, 'JSON object entry count', 'maxObjectEntryCount');
      case 0x3a /* : */:
        if (s !== EXPECT_COLON) break;
        this.state = EXPECT_VALUE;
        return undefined;
      case 0x2c /* , */:
        if (s !== EXPECT_COMMA_OR_END) break;
        this.state = this.kinds[this.depth] === OBJECT ? EXPECT_KEY : EXPECT_VALUE;
        return undefined;
      case 0x7d /* } */:
        if (s !== EXPECT_KEY_OR_OBJECT_END && !(s === EXPECT_COMMA_OR_END && this.kinds[this.depth] === OBJECT)) break;
        this.depth--;
        this.endValue();
        return undefined;
      case 0x5d /* ] */:
        if (s !== EXPECT_VALUE_OR_ARRAY_END && !(s === EXPECT_COMMA_OR_END && this.kinds[this.depth] === ARRAY)) break;
        this.depth--;
        this.endValue();
        return undefined;
      case 0x2d /* - */:
        if (!expectsValue) break;
        this.state = AFTER_MINUS;
        return this.beginValue(i);
      case 0x74 /* t */:
      case 0x66 /* f */:
      case 0x6e /* n */:
        if (!expectsValue) break;
        this.literal = b === 0x74 ? LITERALS.t : b === 0x66 ? LITERALS.f : LITERALS.n;
        this.literalIndex = 1;
        this.state = IN_LITERAL;
        return this.beginValue(i);
      case 0xef:
        if (this.base + i !== 0) break;
        this.state = IN_BOM_1;
        return undefined;
      default:
        if (!expectsValue || !isDigit(b)) break;
        this.state = b === 0x30 ? AFTER_LEADING_ZERO : IN_INTEGER;
        return this.beginValue(i);
    }
    return this.invalid(i, this.state === EXPECT_NOTHING ? 'data after the root value' : 'unexpected byte');
  }

  /** A value starts: inside an array it is one more element. */
  private beginValue(i: number): ScanViolation | undefined {
    if (this.depth === 0 || this.kinds[this.depth] !== ARRAY) return undefined;
    return this.countEntry(i, this.limits.maxArrayElementCount, 'JSON array element count', 'maxArrayElementCount');
  }

  private countEntry(i: number, max: number, what: string, limit: string): ScanViolation | undefined {
    const counts = this.counts;
    if (counts === undefined) return undefined;
    const count = (counts[this.depth] as number) + 1;
    counts[this.depth] = count;
    return count > max ? this.fail(limitViolation(what, limit, max, this.base + i)) : undefined;
  }

  private open(kind: number, next: number, i: number): ScanViolation | undefined {
    const depth = ++this.depth;
    if (depth > this.limits.maxContainerDepth) {
      return this.fail(
        limitViolation('JSON nesting depth', 'maxContainerDepth', this.limits.maxContainerDepth, this.base + i),
      );
    }
    this.kinds = withIndexUint8(this.kinds, depth);
    this.kinds[depth] = kind;
    if (this.counts !== undefined) {
      this.counts = withIndexUint32(this.counts, depth);
      this.counts[depth] = 0;
    }
    this.state = next;
    return undefined;
  }

  private startString(isKey: boolean, max: number): void {
    this.state = IN_STRING;
    this.stringIsKey = isKey;
    this.stringLength = 0;
    this.stringMax = max;
  }

  private endString(): void {
    if (this.stringIsKey) this.state = EXPECT_COLON;
    else this.endValue();
  }

  private endValue(): void {
    this.state = this.depth === 0 ? EXPECT_NOTHING : EXPECT_COMMA_OR_END;
  }

  private stringTooLong(i: number): ScanViolation {
    const at = this.base + i;
    return this.fail(
      this.stringIsKey
        ? limitViolation('JSON object entry name length', 'maxObjectEntryNameLength', this.stringMax, at)
        : limitViolation('JSON string value length', 'maxStringValueLength', this.stringMax, at),
    );
  }
}
