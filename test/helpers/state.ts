import type { ApiState, ApplicationState, EnvironmentState, PolicyInstance } from '../../src/model/types.js';

/** Builders for the wire state the admin API takes: defaults as the manifests would fill them. */
export function environmentState(
  apis: ApiState[],
  applications: ApplicationState[] = [],
  settings: Partial<EnvironmentState['environment']> = {},
): EnvironmentState {
  return {
    environment: { name: 'test', precedence: 'strict', gatekeeper: 'flexible', ...settings },
    apis,
    applications,
  };
}

export function api(
  name: string,
  upstream: string,
  chain: PolicyInstance[] = [],
  extra: Partial<ApiState> = {},
): ApiState {
  return { name, version: 'v1', basePath: `/${name}`, upstream, timeoutMs: 5000, chain, slaTiers: [], ...extra };
}

export function policy(
  name: string,
  type: PolicyInstance['type'],
  config: Record<string, unknown> = {},
  extra: Partial<PolicyInstance> = {},
): PolicyInstance {
  return { name, type, enabled: true, origin: 'api', config, ...extra };
}
