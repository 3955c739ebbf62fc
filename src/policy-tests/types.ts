import type { SourcePosition } from '../errors/diagnostic.js';

/** What users write under an Api's `tests:` (schemas/api.json, spec.tests). */
export interface TestRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  query?: Record<string, string | number>;
  body?: string | Record<string, unknown> | unknown[];
  clientIp?: string;
  basicAuth?: { username: string; password: string };
  repeat?: number;
}

export interface TestUpstream {
  status?: number;
  headers?: Record<string, string | number>;
}

/** null: the header must be absent. */
export type ExpectedHeaders = Record<string, string | number | null>;

export interface TestExpectation {
  status?: number;
  headers?: ExpectedHeaders;
  upstreamCalled?: boolean;
  upstreamHeaders?: ExpectedHeaders;
}

export interface TestStep {
  wait?: number | string;
  request?: TestRequest;
  upstream?: TestUpstream;
  expect: TestExpectation;
}

export interface PolicyTest {
  name: string;
  environment?: string;
  request?: TestRequest;
  upstream?: TestUpstream;
  expect?: TestExpectation;
  steps?: TestStep[];
}

export type TestOutcome = 'passed' | 'failed' | 'skipped' | 'invalid';

/** Why a test did not pass, pointing at the expectation (or field) concerned. */
export interface TestProblem {
  message: string;
  where: SourcePosition;
  /** JSON path inside the Api document, e.g. spec.tests[2].steps[1].expect.status. */
  path: string;
}

export interface TestResult {
  api: string;
  test: string;
  environment: string;
  outcome: TestOutcome;
  /** Position of the test's name. */
  where: SourcePosition;
  /** The index of the test in spec.tests. */
  index: number;
  problems: TestProblem[];
  /** Skipped: the ${env:NAME} variables that are not set. */
  missing?: string[];
  /** Requests sent. */
  requests: number;
  durationMs: number;
}
