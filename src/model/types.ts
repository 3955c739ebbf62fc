import type {
  AccessRecordsDestination,
  GatekeeperMode,
  Limit,
  PolicyType,
  PrecedenceProfile,
  RequestPaths,
  Rule,
  SecretValue,
  SlaTier,
  TlsVersion,
  UpstreamTlsSpec,
} from '../manifest/types.js';

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

/**
 * Who an object of the state belongs to: the canonical label selector of the
 * apply that created (or adopted) it, absent for an apply without a selector;
 * and the labels of its manifest. An apply changes and prunes only objects of
 * its own owner (plan.ts); both are set only when there is something to say,
 * so states without them keep their shape (and fingerprints).
 */
export interface Ownership {
  owner?: string;
  labels?: Record<string, string>;
}

export interface ApiState extends Ownership {
  name: string;
  version: string;
  basePath: string;
  upstream: string;
  timeoutMs: number;
  /** TLS to an https:// upstream; `${file:}` paths absolute, references resolved by the gateway. */
  upstreamTls?: UpstreamTlsSpec;
  /** The assembled chain in execution order. */
  chain: PolicyInstance[];
  /** Present when its requests get access records: the share that does (the environment's setting, or the Api's own). */
  accessRecords?: { sampling: number };
  slaTiers: SlaTier[];
}

export interface ContractState {
  api: string;
  version: string;
  tier?: string;
}

export interface ApplicationState extends Ownership {
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
  /** Where access records go, and the share of requests no API serves that get one. */
  accessRecords?: { destination: AccessRecordsDestination; sampling: number };
  /** How the TLS listeners serve the state's certificates; set only when the environment has some. */
  tls?: TlsSettings;
}

export interface TlsSettings {
  minVersion: TlsVersion;
  ciphers?: string;
  redirectHttp: boolean;
}

/**
 * A server certificate of the environment, served by SNI. Its references are
 * resolved by the gateway (its environment, its file system) and the key is
 * never sent resolved, persisted or shown.
 */
export interface CertificateState extends Ownership {
  name: string;
  hosts: string[];
  /** Inline PEM chain, `${file:/absolute}` or `${env:NAME}`. */
  certificate: string;
  /** `${env:NAME}` or `${file:/absolute}`. */
  key: string;
}

export interface EnvironmentState {
  environment: EnvironmentSettings;
  /** Sorted by name. */
  apis: ApiState[];
  /** Sorted by name; only applications with a contract for an API of this environment. */
  applications: ApplicationState[];
  /** Sorted by name; the certificates the environment or its APIs reference. Absent: none. */
  certificates?: CertificateState[];
}

export type { Limit };
