/**
 * A CODEOWNERS pattern as a regular expression over repository paths (posix,
 * no leading slash). GitHub follows gitignore rules with its own exceptions:
 * - a pattern with a slash at the start or in the middle is anchored at the root; otherwise it matches at any depth;
 * - a pattern that names a folder also matches everything below it, a trailing slash matches folders only;
 * - `dir/*` matches the files directly in dir, not deeper ones;
 * - `*` matches within one path segment, `**` across segments, `?` one character;
 * - `!` negation, `[...]` ranges and `\#` escapes are not supported (they are taken literally).
 */
export function patternToRegExp(pattern: string): RegExp {
  let body = pattern;
  const folderOnly = body.endsWith('/');
  if (folderOnly) body = body.slice(0, -1);
  const anchored = body.startsWith('/') || body.includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  const direct = body.endsWith('/*');

  let source = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '*' && body[i + 1] === '*') {
      const slashAfter = body[i + 2] === '/';
      // `**/` is zero or more folders; a trailing or inner `**` is anything.
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  const suffix = folderOnly ? '/.*$' : direct ? '$' : '(?:/.*)?$';
  return new RegExp(prefix + source + suffix);
}
