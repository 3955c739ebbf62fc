/** Username and password from an `Authorization: Basic ...` header, or undefined when absent or malformed. */
export function parseBasicAuthorization(header: string | undefined): { user: string; password: string } | undefined {
  // The scheme is case-insensitive (RFC 7617) and followed by one or more spaces.
  if (header === undefined || header.length < 7 || header.slice(0, 5).toLowerCase() !== 'basic' || header[5] !== ' ') return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
