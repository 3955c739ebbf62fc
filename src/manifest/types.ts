import type { SourceDocument } from './source.js';

/** Types of what users write, after schema defaults are filled in. They mirror schemas/. */

export type { PolicyType } from '../policies/catalog.js';
import type { PolicyType } from '../policies/catalog.js';

/** The salted SHA-256 digest of earlier versions (still verified). */
export type HashedSecret = { salt: string; sha256: string };
/** What the gateway stores: scrypt with a random salt, its parameters, and a keyed check (see secrets/sealed.ts). */
export type SealedSecret = {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
  check?: string;
};
/** `${env:NAME}`, plain text, or as a gateway stores it. */
export type SecretValue = string | HashedSecret | SealedSecret;

export interface Rule {
  path?: string;
  methods?: string[];
  host?: string;
  headers?: Record<string, string>;
}

export interface PolicySpec {
  name: string;
  type: PolicyType;
  enabled: boolean;
  config: Record<string, unknown>;
  rules?: Rule[];
  order?: 'listed' | 'last';
}

export type { Limit } from '../policies/sdk/counters.js';
import type { Limit } from '../policies/sdk/counters.js';

export interface SlaTier {
  name: string;
  limits: Limit[];
}

export interface GatewayNodeSpec {
  name: string;
  adminUrl: string;
  token?: SecretValue;
  /** CA bundle of an https:// admin URL: inline PEM or a reference the reconciler resolves. */
  ca?: string;
  /** Client certificate for an admin API that requires one (mTLS), with its key (a reference). */
  clientCertificate?: string;
  clientKey?: string;
}

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

export interface EnvironmentTlsSpec {
  certificates: string[];
  minVersion: TlsVersion;
  ciphers?: string;
  redirectHttp: boolean;
}

/** TLS to an https:// upstream; PEMs inline or references, the key only a reference. */
export interface UpstreamTlsSpec {
  ca?: string;
  serverName?: string;
  clientCertificate?: string;
  clientKey?: string;
  verify: boolean;
  minVersion: TlsVersion;
}

export interface CertificateSpec {
  hosts: string[];
  /** Inline PEM chain, `${file:PATH}` or `${env:NAME}`. */
  certificate: string;
  /** `${env:NAME}` or `${file:PATH}`: never key material. */
  key: string;
}

export type PrecedenceProfile = 'strict' | 'cors-first';
export type GatekeeperMode = 'strict' | 'flexible' | 'disabled';

export interface EnvironmentSpec {
  nodes: GatewayNodeSpec[];
  precedence: PrecedenceProfile;
  gatekeeper: GatekeeperMode;
  sharedStorage?: SecretValue;
  requestPaths?: RequestPaths;
  accessRecords?: AccessRecordsSpec;
  tls?: EnvironmentTlsSpec;
  policies: PolicySpec[];
}

/** stdout, or an absolute file path (NDJSON, reopened on SIGHUP for log rotation). */
export type AccessRecordsDestination = 'stdout' | { file: string };

export interface AccessRecordsSpec {
  enabled: boolean;
  /** The share of requests that get a record, 0 to 1. */
  sampling: number;
  destination: AccessRecordsDestination;
}

export interface RequestPaths {
  escapedSlashes: 'reject' | 'keep';
}

export interface ApiOverride {
  upstream?: string;
  timeout?: number | string;
  upstreamTls?: UpstreamTlsSpec;
  policies?: Record<string, { enabled?: boolean; config?: Record<string, unknown> }>;
  slaTiers?: SlaTier[];
}

export interface ApiSpec {
  version: string;
  basePath: string;
  upstream: string;
  timeout: number | string;
  upstreamTls?: UpstreamTlsSpec;
  environments: string[];
  certificates?: string[];
  /** Overrides the environment's access records for this Api. */
  accessRecords?: { enabled?: boolean; sampling?: number };
  policies: PolicySpec[];
  slaTiers: SlaTier[];
  overrides?: Record<string, ApiOverride>;
  tests?: Record<string, unknown>[];
}

export interface Contract {
  api: string;
  version: string;
  tier?: string;
  environments?: string[];
}

export interface ApplicationSpec {
  clientId: string;
  clientSecret?: SecretValue;
  contracts: Contract[];
}

export type Kind = 'Environment' | 'Api' | 'Application' | 'Certificate' | 'Alert';

interface ManifestBase<K extends Kind, S> {
  kind: K;
  name: string;
  spec: S;
  source: SourceDocument;
  /** metadata.labels, when the document has any. */
  labels?: Readonly<Record<string, string>>;
}

export type EnvironmentManifest = ManifestBase<'Environment', EnvironmentSpec>;
export type ApiManifest = ManifestBase<'Api', ApiSpec>;
export type ApplicationManifest = ManifestBase<'Application', ApplicationSpec>;
export type CertificateManifest = ManifestBase<'Certificate', CertificateSpec>;
export type AlertType = 'policy-violation' | 'request-count' | 'response-code' | 'response-time';

export interface AlertNotification {
  webhook: string;
  format: 'json' | 'slack';
  secret?: string;
}

export interface AlertSpec {
  environments: string[];
  apis?: string[];
  type: AlertType;
  policy?: string;
  codes?: number[];
  severity: 'info' | 'warning' | 'critical';
  condition: { operator: 'greater' | 'less' | 'equal'; threshold: number };
  periods: number;
  period: number | string;
  scope: 'node' | 'environment';
  notify: AlertNotification[];
}

export type AlertManifest = ManifestBase<'Alert', AlertSpec>;
export type Manifest = EnvironmentManifest | ApiManifest | ApplicationManifest | CertificateManifest | AlertManifest;

/** The schema-valid manifests of a repository, by kind. */
export interface ManifestSet {
  environments: EnvironmentManifest[];
  apis: ApiManifest[];
  applications: ApplicationManifest[];
  /** Absent in sets built before certificates existed (tests, tools): none. */
  certificates?: CertificateManifest[];
  /** Absent in sets built before alerts existed: none. */
  alerts?: AlertManifest[];
  /** Names of documents that exist but failed schema validation: references to them are not reported again. */
  invalidNames: Record<Kind, Set<string>>;
}
