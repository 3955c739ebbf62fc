import type { Logger } from 'pino';
import type { StoredSecret } from '../../secrets/sealed.js';
import type { CounterStore, Limit } from './counters.js';

/** A client application holding a contract for the API version being compiled. */
export interface ApplicationRuntime {
  name: string;
  clientId: string;
  clientSecret?: StoredSecret;
  /** The tier of its contract for the current API version, with the tier's limits. */
  tier?: { name: string; limits: Limit[] };
}

/**
 * Where clients present their credentials (the reference's fields): an
 * `Authorization: Basic` header, or two expressions. An empty
 * clientSecretExpression means the secret is not read: it is optional.
 */
export interface ClientCredentials {
  credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression' | 'httpBasicAuthenticationHeader';
  clientIdExpression: string;
  clientSecretExpression: string;
}

/**
 * The time policies count and wait in. The gateway's is the wall clock; a
 * replay of recorded traffic runs on the records' times, and a policy test on
 * a clock of its own: a policy reads the time and waits only through this.
 */
export interface PolicyClock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** What a policy factory is given besides its config. */
export interface PolicyContext {
  apiName: string;
  apiVersion: string;
  /** The API's base path: the path a client sent is basePath + exchange.path. */
  basePath: string;
  policyName: string;
  logger: Logger;
  /** Applications holding a contract for this API version in this environment, by client id. */
  applications: ReadonlyMap<string, ApplicationRuntime>;
  /**
   * How clients of this chain present their credentials: as its client-identifying
   * policy (client-id-enforcement, rate-limiting-sla) reads them, else client_id and
   * client_secret headers. A policy that keys anything by a client identity
   * verifies it this way where it takes the key.
   */
  clientCredentials: ClientCredentials;
  /** Counters that survive reloads (and, with shared storage, are shared between replicas). */
  counters: CounterStore;
  clock: PolicyClock;
  /**
   * State that survives a reload while `key` is unchanged (e.g. a queue), scoped
   * to this api + policy. `init` runs when no such state exists yet.
   */
  keep<T>(key: string, init: () => T): T;
  /** Directory custom-policy modules are resolved against. */
  baseDir: string;
}
