/** Canonical base64 (RFC 4648 §4): the standard alphabet, whole quanta, correct padding. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Username and password from an `Authorization: Basic ...` header, or
 * undefined when absent or malformed. The credentials are decoded strictly:
 * Buffer.from(x, 'base64') skips characters outside the alphabet and stops
 * at garbage, so many spellings would map to one credential.
 */
export function parseBasicAuthorization(header: string | undefined): { user: string; password: string } | undefined {
  // The scheme is case-insensitive (RFC 7617) and followed by one or more spaces.
  if (header === undefined || header.length < 7 || header.slice(0, 5).toLowerCase() !== 'basic' || header[5] !== ' ')
    return undefined;
  const decoded = decodeBase64Strictly(header.slice(6).trim());
  if (decoded === undefined) return undefined;
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** UTF-8 text of canonical base64, or undefined for anything else (including non-zero pad bits and invalid UTF-8). */
export function decodeBase64Strictly(text: string): string | undefined {
  if (text.length === 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // "QR==" decodes like "QQ==": only the canonical spelling of the bytes is accepted.
  if (bytes.toString('base64') !== text) return undefined;
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
