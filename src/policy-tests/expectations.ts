import type { OutgoingHttpHeaders } from 'node:http';
import type { PathSegment } from '../errors/diagnostic.js';
import type { Exchanged } from './send.js';
import type { ExpectedHeaders, TestExpectation } from './types.js';

/** One expectation that did not hold; `path` is relative to the expectation. */
export interface Unmet {
  message: string;
  path: PathSegment[];
}

/** Hides secret values (resolved ${env:NAME} references) in anything a message quotes. */
export type Redact = (text: string) => string;

export function unmetExpectations(expect: TestExpectation, got: Exchanged, redact: Redact): Unmet[] {
  const out: Unmet[] = [];
  if (expect.status !== undefined && expect.status !== got.status) {
    const why = got.errors.length ? ` (${got.errors.join('; ')})` : '';
    out.push({ message: redact(`expected status ${expect.status}, got ${got.status}${why}`), path: ['status'] });
  }
  if (expect.upstreamCalled !== undefined && expect.upstreamCalled !== got.upstreamCalled) {
    out.push({
      message: expect.upstreamCalled
        ? `expected the upstream to be called, but the chain answered ${got.status}`
        : 'expected a policy to answer, but the request reached the upstream',
      path: ['upstreamCalled'],
    });
  }
  out.push(...unmetHeaders(expect.headers, got.headers, 'response header', ['headers'], redact));
  if (expect.upstreamHeaders) {
    if (!got.upstreamHeaders)
      out.push({
        message: `expected upstream request headers, but the chain answered ${got.status} without calling the upstream`,
        path: ['upstreamHeaders'],
      });
    else
      out.push(
        ...unmetHeaders(
          expect.upstreamHeaders,
          got.upstreamHeaders,
          'upstream request header',
          ['upstreamHeaders'],
          redact,
        ),
      );
  }
  return out;
}

function unmetHeaders(
  expected: ExpectedHeaders | undefined,
  actual: OutgoingHttpHeaders,
  what: string,
  at: PathSegment[],
  redact: Redact,
): Unmet[] {
  const out: Unmet[] = [];
  for (const [name, value] of Object.entries(expected ?? {})) {
    const present = headerValue(actual, name.toLowerCase());
    const path = [...at, name];
    if (value === null) {
      if (present !== undefined)
        out.push({ message: `expected no ${what} ${name}, got ${JSON.stringify(redact(present))}`, path });
    } else if (present !== String(value)) {
      out.push({
        message: `expected ${what} ${name}: ${JSON.stringify(redact(String(value)))}, got ${present === undefined ? 'none' : JSON.stringify(redact(present))}`,
        path,
      });
    }
  }
  return out;
}

function headerValue(headers: OutgoingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
