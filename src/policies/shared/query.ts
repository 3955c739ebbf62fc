/**
 * The first value of one query parameter, decoded, without parsing the whole
 * query string into a map (this runs per request).
 */
export function queryParam(search: string, name: string): string | undefined {
  let start = 0;
  while (start <= search.length) {
    let end = search.indexOf('&', start);
    if (end === -1) end = search.length;
    const eq = search.indexOf('=', start);
    const keyEnd = eq === -1 || eq > end ? end : eq;
    if (decode(search.slice(start, keyEnd)) === name) {
      return keyEnd === end ? '' : decode(search.slice(keyEnd + 1, end));
    }
    start = end + 1;
  }
  return undefined;
}

function decode(text: string): string {
  if (text.indexOf('%') === -1 && text.indexOf('+') === -1) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Malformed escapes: compare the raw text rather than failing the request.
    return text;
  }
}
