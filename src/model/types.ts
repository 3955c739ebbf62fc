import type { GatekeeperMode, Limit, PolicyType, PrecedenceProfile, RequestPaths, Rule, SecretValue, SlaTier } from '../manifest/types.js';

/**
 * The normalized model: one environment's desired (or live) state, defaults
 * filled, chains assembled, secrets still references or hashes. Diff compares
 * two of these; the gateway's admin API receives and returns this shape.
 */
export interface PolicyInstance {
  name: string;
  type: PolicyType;
  enabled: boolean;
  /** Where the policy is declared: environment-wide (automated) or on the Api. */
  origin: 'environment' | 'api';
  config: Record<string, unknown>;
  rules?: Rule[];
}

export interface ApiState {
  name: string;
  version: string;
  basePath: string;
  upstream: string;
  timeoutMs: number;
  /** The assembled chain in execution order. */
  chain: PolicyInstance[];
  slaTiers: SlaTier[];
}

export interface ContractState {
  api: string;
  version: string;
  tier?: string;
}

export interface ApplicationState {
  name: string;
  clientId: string;
  clientSecret?: SecretValue;
  contracts: ContractState[];
}

export interface EnvironmentSettings {
  name: string;
  precedence: PrecedenceProfile;
  gatekeeper: GatekeeperMode;
  sharedStorage?: SecretValue;
  /** Set only when it differs from the default (escaped slashes rejected). */
  requestPaths?: RequestPaths;
}

export interface EnvironmentState {
  environment: EnvironmentSettings;
  /** Sorted by name. */
  apis: ApiState[];
  /** Sorted by name; only applications with a contract for an API of this environment. */
  applications: ApplicationState[];
}

export type { Limit };
