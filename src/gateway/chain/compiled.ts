import type { Pool } from 'undici';
import type { ApiState } from '../../model/types.js';
import type { ApiCells, PolicyCells } from '../metrics/cells.js';
import type { ExchangeMatcher } from './rules.js';
import type { PolicyHandlers } from './types.js';

export interface CompiledPolicy {
  name: string;
  type: string;
  /** Present when rules scope the policy. */
  matches: ExchangeMatcher | undefined;
  handlers: PolicyHandlers;
  metrics: PolicyCells;
}

export interface UpstreamTarget {
  origin: string;
  /** The pool's identity: origin, plus the TLS settings' digest for https:// upstreams that have some. */
  poolKey: string;
  /** Path of the upstream URL, without trailing slash ('' for none). */
  pathPrefix: string;
  pool: Pool;
  host: string;
}

/** An API ready to serve: its chain compiled, its upstream pool chosen. */
export interface CompiledApi {
  name: string;
  basePath: string;
  /** Identity of what was compiled: an unchanged key means the API is reused as is on reload. */
  key: string;
  state: ApiState;
  upstream: UpstreamTarget;
  timeoutMs: number;
  policies: CompiledPolicy[];
  metrics: ApiCells;
  /** The share of its requests that get an access record (0: none). */
  recordSampling: number;
  /** Set when the API must answer 503 (a policy failed to compile at start-up). */
  blocked?: string;
}
