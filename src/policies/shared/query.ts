/** One query parameter: its first value, decoded, and whether the name came more than once. */
export interface QueryParameter {
  value: string | undefined;
  repeated: boolean;
}

/**
 * The first value of one query parameter, decoded, without parsing the whole
 * query string into a map (this runs per request).
 */
export function queryParam(search: string, name: string): string | undefined {
  return findQueryParam(search, name, false).value;
}

/**
 * The parameter and whether it is repeated (`?client_id=a&client_id=b`, also
 * spelt `client%5Fid`): a credential that comes twice is ambiguous, since the
 * upstream may read the other one.
 */
export function queryParamOnce(search: string, name: string): QueryParameter {
  return findQueryParam(search, name, true);
}

function findQueryParam(search: string, name: string, all: boolean): QueryParameter {
  let found: string | undefined;
  let start = 0;
  while (start <= search.length) {
    let end = search.indexOf('&', start);
    if (end === -1) end = search.length;
    const eq = search.indexOf('=', start);
    const keyEnd = eq === -1 || eq > end ? end : eq;
    if (decode(search.slice(start, keyEnd)) === name) {
      if (found !== undefined) return { value: found, repeated: true };
      found = keyEnd === end ? '' : decode(search.slice(keyEnd + 1, end));
      if (!all) break;
    }
    start = end + 1;
  }
  return { value: found, repeated: false };
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
