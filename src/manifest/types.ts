import type { SourceDocument } from './source.js';

/** Types of what users write, after schema defaults are filled in. They mirror schemas/. */

export type { PolicyType } from '../policies/catalog.js';
import type { PolicyType } from '../policies/catalog.js';

/** The salted SHA-256 digest of earlier versions (still verified). */
export type HashedSecret = { salt: string; sha256: string };
/** What the gateway stores: scrypt with a random salt, its parameters, and a keyed check (see secrets/sealed.ts). */
export type SealedSecret = { kdf: 'scrypt'; N: number; r: number; p: number; salt: string; hash: string; check?: string };
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
}

export type PrecedenceProfile = 'strict' | 'cors-first';
export type GatekeeperMode = 'strict' | 'flexible' | 'disabled';

export interface EnvironmentSpec {
  nodes: GatewayNodeSpec[];
  precedence: PrecedenceProfile;
  gatekeeper: GatekeeperMode;
  sharedStorage?: SecretValue;
  requestPaths?: RequestPaths;
  policies: PolicySpec[];
}

export interface RequestPaths {
  escapedSlashes: 'reject' | 'keep';
}

export interface ApiOverride {
  upstream?: string;
  timeout?: number | string;
  policies?: Record<string, { enabled?: boolean; config?: Record<string, unknown> }>;
  slaTiers?: SlaTier[];
}

export interface ApiSpec {
  version: string;
  basePath: string;
  upstream: string;
  timeout: number | string;
  environments: string[];
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

export type Kind = 'Environment' | 'Api' | 'Application';

interface ManifestBase<K extends Kind, S> {
  kind: K;
  name: string;
  spec: S;
  source: SourceDocument;
}

export type EnvironmentManifest = ManifestBase<'Environment', EnvironmentSpec>;
export type ApiManifest = ManifestBase<'Api', ApiSpec>;
export type ApplicationManifest = ManifestBase<'Application', ApplicationSpec>;
export type Manifest = EnvironmentManifest | ApiManifest | ApplicationManifest;

/** The schema-valid manifests of a repository, by kind. */
export interface ManifestSet {
  environments: EnvironmentManifest[];
  apis: ApiManifest[];
  applications: ApplicationManifest[];
  /** Names of documents that exist but failed schema validation: references to them are not reported again. */
  invalidNames: Record<Kind, Set<string>>;
}
