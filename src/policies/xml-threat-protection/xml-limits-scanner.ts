import { StreamingScanner, type ScanViolation, compileLimits, limitViolation } from '../shared/body-scanner.js';
import { INITIAL_LEVELS, withIndexUint32 } from '../shared/typed-array-growth.js';
import { Utf8Sequence } from '../shared/utf8-sequence.js';
import {
  FNV_OFFSET,
  NAME_CHAR,
  NAME_START,
  PLAIN_CDATA,
  PLAIN_COMMENT,
  PLAIN_PI,
  PLAIN_TEXT,
  WHITESPACE,
  fnvStep,
} from './xml-byte-classes.js';
import { REFERENCE_INCOMPLETE, REFERENCE_MALFORMED, XmlReferenceDecoder } from './xml-reference-decoder.js';

/**
 * An incremental, non-validating XML 1.0 well-formedness checker (UTF-8) that
 * enforces size limits while the bytes stream in. It keeps no text: per open
 * element a name hash, the name's byte length and a child counter; per node
 * only a length. Any DTD is refused at "<!D", before a single entity can be
 * declared. Lengths are counted in UTF-16 code units after decoding
 * references; a text node is the character data between two tags, comments or
 * processing instructions, CDATA sections included.
 */

/** `xmlns`, the name (or prefix) of a namespace declaration. */
const XMLNS = [0x78, 0x6d, 0x6c, 0x6e, 0x73];

/** The limits of xml-threat-protection, by their config names. */
export const XML_LIMITS = [
  'maxNodeDepth',
  'maxAttributeCountPerElement',
  'maxChildCount',
  'maxTextLength',
  'maxAttributeLength',
  'maxCommentLength',
] as const;

/** Compiled limits; Infinity means unlimited. */
export type XmlLimits = Readonly<Record<(typeof XML_LIMITS)[number], number>>;

export function compileXmlLimits(config: Partial<XmlLimits>): XmlLimits {
  return compileLimits(config, XML_LIMITS);
}

const TEXT = 0; // character data; before and after the root element, whitespace only
const AFTER_LT = 1;
const START_TAG_NAME = 2;
const IN_START_TAG = 3; // between attributes
const ATTRIBUTE_NAME = 4;
const AFTER_ATTRIBUTE_NAME = 5;
const BEFORE_ATTRIBUTE_VALUE = 6;
const ATTRIBUTE_VALUE = 7;
const AFTER_EMPTY_TAG_SLASH = 8;
const END_TAG_NAME_START = 9;
const END_TAG_NAME = 10;
const AFTER_END_TAG_NAME = 11;
const PI_TARGET_START = 12;
const PI = 13;
const PI_QUESTION_MARK = 14;
const AFTER_BANG = 15;
const COMMENT_OPEN = 16;
const COMMENT = 17;
const COMMENT_DASH = 18;
const COMMENT_DASH_DASH = 19;
const CDATA_OPEN = 20;
const CDATA = 21;
const CDATA_BRACKET = 22;
const CDATA_BRACKET_BRACKET = 23;
const REFERENCE = 24;
const BOM_1 = 25;
const BOM_2 = 26;

const CDATA_KEYWORD = new TextEncoder().encode('CDATA[');

export class XmlLimitsScanner extends StreamingScanner {
  private state = TEXT;

  private depth = 0;
  private rootSeen = false;
  /** Per open element (1-based depth): name hash and byte length, child elements so far. */
  private nameHashes: Uint32Array = new Uint32Array(INITIAL_LEVELS);
  private nameLengths: Uint32Array = new Uint32Array(INITIAL_LEVELS);
  private childCounts: Uint32Array | undefined;

  private nameHash = 0;
  private nameLength = 0;
  private attributeCount = 0;
  /** How much of `xmlns` the attribute name matched so far (5: all, 6: `xmlns:`), or -1: not a namespace declaration. */
  private namespaceMatch = -1;
  /** Whitespace seen since the last attribute: XML requires it between attributes. */
  private spaceBeforeAttribute = false;
  private quote = 0;
  private valueLength = 0;
  private textLength = 0;
  private commentLength = 0;
  private keywordIndex = 0;
  /** Where a reference returns to: TEXT or ATTRIBUTE_VALUE. */
  private referenceIn = TEXT;
  private readonly reference = new XmlReferenceDecoder();
  private readonly utf8 = new Utf8Sequence();

  constructor(private readonly limits: XmlLimits) {
    super('XML');
    if (limits.maxChildCount !== Infinity) this.childCounts = new Uint32Array(INITIAL_LEVELS);
  }

  protected scan(chunk: Uint8Array): ScanViolation | undefined {
    const length = chunk.length;
    let i = 0;
    while (i < length) {
      let b = chunk[i] as number;
      if (this.utf8.pending > 0) {
        if (!this.utf8.continuation(b)) return this.invalid(i, 'malformed UTF-8');
        if (this.state === START_TAG_NAME || this.state === END_TAG_NAME) this.hashNameByte(b);
        i++;
        continue;
      }
      let violation: ScanViolation | undefined;
      switch (this.state) {
        case TEXT: {
          if (this.depth === 0) {
            violation = this.outsideRoot(b, i);
            break;
          }
          // Fast path over plain ASCII text.
          const max = this.limits.maxTextLength;
          let count = this.textLength;
          while (PLAIN_TEXT[b] === 1) {
            if (++count > max) return this.textTooLong(i);
            if (++i === length) break;
            b = chunk[i] as number;
          }
          this.textLength = count;
          if (i === length) continue;
          if (b === 0x3c /* < */) this.state = AFTER_LT;
          else if (b === 0x26 /* & */) this.beginReference(TEXT);
          else violation = this.addText(this.characterUnits(b), i);
          break;
        }
        case AFTER_LT:
          violation = this.afterLessThan(b, i);
          break;
        case START_TAG_NAME:
          if (NAME_CHAR[b] === 1 || b >= 0x80) violation = this.nameByte(b, i);
          else {
            this.nameHashes[this.depth] = this.nameHash;
            this.nameLengths[this.depth] = this.nameLength;
            this.state = IN_START_TAG;
            this.spaceBeforeAttribute = false;
            continue; // the byte after the name is read as part of the tag
          }
          break;
        case IN_START_TAG:
          if (WHITESPACE[b] === 1) this.spaceBeforeAttribute = true;
          else if (b === 0x3e /* > */) this.state = TEXT;
          else if (b === 0x2f /* / */) this.state = AFTER_EMPTY_TAG_SLASH;
          else if ((NAME_START[b] === 1 || b >= 0x80) && this.spaceBeforeAttribute)
            violation = this.beginAttribute(b, i);
          else violation = this.invalid(i, 'malformed start tag');
          break;
        case ATTRIBUTE_NAME:
          if (NAME_CHAR[b] === 1 || b >= 0x80) {
            this.matchNamespace(b);
            violation = this.nameByte(b, i);
          } else if (WHITESPACE[b] === 1) {
            this.state = AFTER_ATTRIBUTE_NAME;
            violation = this.countAttribute(i);
          } else if (b === 0x3d /* = */) {
            this.state = BEFORE_ATTRIBUTE_VALUE;
            violation = this.countAttribute(i);
          } else violation = this.invalid(i, 'malformed attribute name');
          break;
        case AFTER_ATTRIBUTE_NAME:
          if (b === 0x3d) this.state = BEFORE_ATTRIBUTE_VALUE;
          else if (WHITESPACE[b] !== 1) violation = this.invalid(i, "'=' expected after attribute name");
          break;
        case BEFORE_ATTRIBUTE_VALUE:
          if (b === 0x22 || b === 0x27 /* " ' */) {
            this.quote = b;
            this.valueLength = 0;
            this.state = ATTRIBUTE_VALUE;
          } else if (WHITESPACE[b] !== 1) violation = this.invalid(i, 'quoted attribute value expected');
          break;
        case ATTRIBUTE_VALUE: {
          const max = this.limits.maxAttributeLength;
          const quote = this.quote;
          let count = this.valueLength;
          while (PLAIN_TEXT[b] === 1 && b !== quote) {
            if (++count > max) return this.attributeTooLong(i);
            if (++i === length) break;
            b = chunk[i] as number;
          }
          this.valueLength = count;
          if (i === length) continue;
          if (b === quote) {
            this.state = IN_START_TAG;
            this.spaceBeforeAttribute = false;
          } else if (b === 0x26) this.beginReference(ATTRIBUTE_VALUE);
          else if (b === 0x3c) violation = this.invalid(i, "'<' in attribute value");
          else violation = this.addAttributeValue(this.characterUnits(b), i);
          break;
        }
        case AFTER_EMPTY_TAG_SLASH:
          if (b === 0x3e) this.closeElement();
          else violation = this.invalid(i, "'>' expected after '/'");
          break;
        case END_TAG_NAME_START:
          if (NAME_START[b] === 1 || b >= 0x80) {
            this.nameHash = FNV_OFFSET;
            this.nameLength = 0;
            this.state = END_TAG_NAME;
            violation = this.nameByte(b, i);
          } else violation = this.invalid(i, 'element name expected');
          break;
        case END_TAG_NAME:
          if (NAME_CHAR[b] === 1 || b >= 0x80) {
            violation = this.nameByte(b, i);
            break;
          }
          // Compare as soon as the name ends, so a mismatch is reported at once.
          if (this.nameHash !== this.nameHashes[this.depth] || this.nameLength !== this.nameLengths[this.depth]) {
            return this.invalid(i, 'end tag does not match the open element');
          }
          this.state = AFTER_END_TAG_NAME;
          continue;
        case AFTER_END_TAG_NAME:
          if (b === 0x3e) this.closeElement();
          else if (WHITESPACE[b] !== 1) violation = this.invalid(i, "'>' expected in end tag");
          break;
        case PI_TARGET_START:
          if (NAME_START[b] === 1 || b >= 0x80) {
            this.state = PI;
            continue;
          }
          violation = this.invalid(i, 'processing instruction target expected');
          break;
        case PI:
          if (b === 0x3f /* ? */) this.state = PI_QUESTION_MARK;
          else if (PLAIN_PI[b] !== 1) violation = this.checkCharacter(b, i);
          break;
        case PI_QUESTION_MARK:
          if (b === 0x3e) this.state = TEXT;
          else if (b !== 0x3f) {
            this.state = PI;
            continue;
          }
          break;
        case AFTER_BANG:
          violation = this.afterBang(b, i);
          break;
        case COMMENT_OPEN:
          if (b !== 0x2d) return this.invalid(i, "'<!--' expected");
          this.state = COMMENT;
          this.commentLength = 0;
          break;
        case COMMENT: {
          const max = this.limits.maxCommentLength;
          let count = this.commentLength;
          while (PLAIN_COMMENT[b] === 1) {
            if (++count > max) return this.commentTooLong(i);
            if (++i === length) break;
            b = chunk[i] as number;
          }
          this.commentLength = count;
          if (i === length) continue;
          if (b === 0x2d /* - */) this.state = COMMENT_DASH;
          else violation = this.addComment(this.characterUnits(b), i);
          break;
        }
        case COMMENT_DASH:
          if (b === 0x2d) {
            this.state = COMMENT_DASH_DASH;
            break;
          }
          // A lone '-' was content after all.
          this.state = COMMENT;
          violation = this.addComment(1, i);
          if (violation !== undefined) return violation;
          continue;
        case COMMENT_DASH_DASH:
          if (b === 0x3e) this.state = TEXT;
          else violation = this.invalid(i, "'--' inside a comment");
          break;
        case CDATA_OPEN:
          if (b !== CDATA_KEYWORD[this.keywordIndex]) return this.invalid(i, "'<![CDATA[' expected");
          if (++this.keywordIndex === CDATA_KEYWORD.length) this.state = CDATA;
          break;
        case CDATA: {
          const max = this.limits.maxTextLength;
          let count = this.textLength;
          while (PLAIN_CDATA[b] === 1) {
            if (++count > max) return this.textTooLong(i);
            if (++i === length) break;
            b = chunk[i] as number;
          }
          this.textLength = count;
          if (i === length) continue;
          if (b === 0x5d /* ] */) this.state = CDATA_BRACKET;
          else violation = this.addText(this.characterUnits(b), i);
          break;
        }
        case CDATA_BRACKET:
          if (b === 0x5d) {
            this.state = CDATA_BRACKET_BRACKET;
            break;
          }
          this.state = CDATA;
          violation = this.addText(1, i);
          if (violation !== undefined) return violation;
          continue;
        case CDATA_BRACKET_BRACKET:
          if (b === 0x3e) {
            this.state = TEXT; // the text node goes on after the section
            break;
          }
          // "]]]": the first bracket is content, the last two may still end the section.
          violation = this.addText(1, i);
          if (violation !== undefined || b === 0x5d) break;
          this.state = CDATA;
          violation = this.addText(1, i);
          if (violation !== undefined) return violation;
          continue;
        case REFERENCE: {
          const units = this.reference.push(b);
          if (units === REFERENCE_MALFORMED) return this.invalid(i, 'malformed or undefined entity reference');
          if (units === REFERENCE_INCOMPLETE) break;
          this.state = this.referenceIn;
          violation = this.referenceIn === TEXT ? this.addText(units, i) : this.addAttributeValue(units, i);
          break;
        }
        case BOM_1:
        case BOM_2:
          if (b !== (this.state === BOM_1 ? 0xbb : 0xbf)) return this.invalid(i, 'malformed byte order mark');
          this.state = this.state === BOM_1 ? BOM_2 : TEXT;
          break;
      }
      if (violation !== undefined) return violation;
      i++;
    }
    return undefined;
  }

  protected finish(): ScanViolation | undefined {
    if (!this.rootSeen && this.state === TEXT) return this.invalid(0, 'no root element');
    if (this.state !== TEXT || this.depth !== 0 || this.utf8.pending > 0)
      return this.invalid(0, 'unexpected end of body');
    return undefined;
  }

  /** Before and after the root element only whitespace and markup may appear. */
  private outsideRoot(b: number, i: number): ScanViolation | undefined {
    if (b === 0x3c) this.state = AFTER_LT;
    else if (b === 0xef && this.base + i === 0) this.state = BOM_1;
    else if (WHITESPACE[b] !== 1)
      return this.invalid(i, this.rootSeen ? 'content after the root element' : 'content before the root element');
    return undefined;
  }

  private afterLessThan(b: number, i: number): ScanViolation | undefined {
    if (NAME_START[b] === 1 || b >= 0x80) return this.openElement(b, i);
    if (b === 0x2f /* / */) {
      if (this.depth === 0) return this.invalid(i, 'end tag without start tag');
      this.state = END_TAG_NAME_START;
    } else if (b === 0x3f /* ? */) {
      this.textLength = 0; // markup other than CDATA ends the text node
      this.state = PI_TARGET_START;
    } else if (b === 0x21 /* ! */) {
      this.state = AFTER_BANG;
    } else {
      return this.invalid(i, "name, '/', '?' or '!' expected after '<'");
    }
    return undefined;
  }

  private afterBang(b: number, i: number): ScanViolation | undefined {
    if (b === 0x2d /* - */) {
      this.textLength = 0;
      this.state = COMMENT_OPEN;
    } else if (b === 0x5b /* [ */ && this.depth > 0) {
      this.keywordIndex = 0;
      this.state = CDATA_OPEN;
    } else if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) {
      // <!DOCTYPE, <!ENTITY, <!ELEMENT, <!ATTLIST, <!NOTATION: all DTD, refused before any of it is read.
      const at = this.base + i - 2;
      return this.fail({ error: `DTD not allowed (declaration at byte ${at})`, at });
    } else {
      return this.invalid(i, "'<!--' or '<![CDATA[' expected");
    }
    return undefined;
  }

  /** A start tag's name begins: the element counts for depth and as its parent's child from here. */
  private openElement(b: number, i: number): ScanViolation | undefined {
    if (this.depth === 0 && this.rootSeen) return this.invalid(i, 'second root element');
    const at = this.base + i - 1;
    const counts = this.childCounts;
    if (counts !== undefined && this.depth > 0) {
      const siblings = (counts[this.depth] as number) + 1;
      counts[this.depth] = siblings;
      if (siblings > this.limits.maxChildCount) {
        return this.fail(limitViolation('XML child element count', 'maxChildCount', this.limits.maxChildCount, at));
      }
    }
    const depth = this.depth + 1;
    if (depth > this.limits.maxNodeDepth) {
      return this.fail(limitViolation('XML element depth', 'maxNodeDepth', this.limits.maxNodeDepth, at));
    }
    this.depth = depth;
    this.rootSeen = true;
    this.nameHashes = withIndexUint32(this.nameHashes, depth);
    this.nameLengths = withIndexUint32(this.nameLengths, depth);
    if (counts !== undefined) {
      this.childCounts = withIndexUint32(counts, depth);
      this.childCounts[depth] = 0;
    }
    this.textLength = 0;
    this.attributeCount = 0;
    this.nameHash = FNV_OFFSET;
    this.nameLength = 0;
    this.state = START_TAG_NAME;
    return this.nameByte(b, i);
  }

  private beginAttribute(b: number, i: number): ScanViolation | undefined {
    this.state = ATTRIBUTE_NAME;
    this.namespaceMatch = 0;
    this.matchNamespace(b);
    return this.nameByte(b, i);
  }

  /** Follows whether the attribute name is `xmlns` or `xmlns:…`, byte by byte. */
  private matchNamespace(b: number): void {
    const at = this.namespaceMatch;
    if (at < 0 || at === 6) return;
    if (at < 5) this.namespaceMatch = b === (XMLNS[at] as number) ? at + 1 : -1;
    else this.namespaceMatch = b === 0x3a /* : */ ? 6 : -1;
  }

  /**
   * Counts the attribute whose name just ended. Namespace declarations (xmlns,
   * xmlns:prefix) are not attributes of the element (the reference's rule):
   * they are not counted.
   */
  private countAttribute(i: number): ScanViolation | undefined {
    if (this.namespaceMatch === 5 || this.namespaceMatch === 6) return undefined;
    if (++this.attributeCount > this.limits.maxAttributeCountPerElement) {
      return this.fail(
        limitViolation(
          'XML attribute count',
          'maxAttributeCountPerElement',
          this.limits.maxAttributeCountPerElement,
          this.base + i,
        ),
      );
    }
    return undefined;
  }

  /** One byte of a tag or attribute name; a non-ASCII byte starts a UTF-8 sequence. */
  private nameByte(b: number, i: number): ScanViolation | undefined {
    if (b >= 0x80 && this.utf8.lead(b) === 0) return this.invalid(i, 'malformed UTF-8');
    if (this.state !== ATTRIBUTE_NAME) this.hashNameByte(b);
    return undefined;
  }

  private hashNameByte(b: number): void {
    this.nameHash = fnvStep(this.nameHash, b);
    this.nameLength++;
  }

  private closeElement(): void {
    this.depth--;
    this.textLength = 0;
    this.state = TEXT;
  }

  private beginReference(returnTo: number): void {
    this.referenceIn = returnTo;
    this.reference.begin();
    this.state = REFERENCE;
  }

  /** Units of a character that is not plain ASCII: a UTF-8 lead byte, or 0 when malformed. */
  private characterUnits(b: number): number {
    return b >= 0x80 ? this.utf8.lead(b) : 0;
  }

  /** Processing instructions have no limit, but their bytes must still be characters. */
  private checkCharacter(b: number, i: number): ScanViolation | undefined {
    return this.characterUnits(b) === 0 ? this.invalid(i, 'invalid character') : undefined;
  }

  private addText(units: number, i: number): ScanViolation | undefined {
    if (units === 0) return this.invalid(i, 'invalid character');
    this.textLength += units;
    return this.textLength > this.limits.maxTextLength ? this.textTooLong(i) : undefined;
  }

  private addAttributeValue(units: number, i: number): ScanViolation | undefined {
    if (units === 0) return this.invalid(i, 'invalid character');
    this.valueLength += units;
    return this.valueLength > this.limits.maxAttributeLength ? this.attributeTooLong(i) : undefined;
  }

  private addComment(units: number, i: number): ScanViolation | undefined {
    if (units === 0) return this.invalid(i, 'invalid character');
    this.commentLength += units;
    return this.commentLength > this.limits.maxCommentLength ? this.commentTooLong(i) : undefined;
  }

  private textTooLong(i: number): ScanViolation {
    return this.fail(limitViolation('XML text length', 'maxTextLength', this.limits.maxTextLength, this.base + i));
  }

  private attributeTooLong(i: number): ScanViolation {
    return this.fail(
      limitViolation('XML attribute value length', 'maxAttributeLength', this.limits.maxAttributeLength, this.base + i),
    );
  }

  private commentTooLong(i: number): ScanViolation {
    return this.fail(
      limitViolation('XML comment length', 'maxCommentLength', this.limits.maxCommentLength, this.base + i),
    );
  }
}
