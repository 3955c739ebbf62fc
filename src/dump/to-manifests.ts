import { stringify } from 'yaml';
import { API_VERSION } from '../manifest/load.js';
import type { GatewayNodeSpec, SecretValue } from '../manifest/types.js';
import type { EnvironmentState, PolicyInstance } from '../model/types.js';
import { policyModule } from '../policies/catalog.js';

export interface DumpOptions {
  /** The node list to write into the Environment (the gateway does not know it). */
  nodes: GatewayNodeSpec[];
  /** Write `${env:NAME}` references instead of the stored salted hashes. */
  secretsAsRefs: boolean;
  /** metadata.labels of the local Environment manifest, written back with it. */
  environmentLabels?: Readonly<Record<string, string>>;
}

export interface DumpedManifests {
  /** Relative file path → YAML text. */
  files: Map<string, string>;
  /** Environment variables the references name (with secretsAsRefs, or for shared storage). */
  variables: string[];
}

/**
 * Live state → manifests that validate and plan to zero changes when applied
 * back. Secrets are never values: salted hashes as the gateway holds them, or references.
 */
export function stateToManifests(state: EnvironmentState, options: DumpOptions): DumpedManifests {
  const env = state.environment.name;
  const variables: string[] = [];
  const reference = (name: string): string => {
    const variable = name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
    variables.push(variable);
    return `\${env:${variable}}`;
  };
  const secret = (value: SecretValue | undefined, name: string): SecretValue | undefined => {
    if (value === undefined) return undefined;
    return !options.secretsAsRefs && typeof value === 'object' ? value : reference(name);
  };
  const policySpec = (p: PolicyInstance, owner: string) => {
    const config = { ...p.config };
    for (const field of policyModule(p.type).secretFields)
      config[field] = secret(config[field] as SecretValue | undefined, `${owner}_${p.name}_${field}`);
    return {
      name: p.name,
      type: p.type,
      ...(p.enabled ? {} : { enabled: false }),
      config,
      ...(p.rules ? { rules: p.rules } : {}),
      // The live chain is already in execution order: keep custom policies exactly where they run.
      ...(p.type === 'custom' ? { order: 'listed' } : {}),
    };
  };

  const automated = state.apis[0]?.chain.filter((p) => p.origin === 'environment') ?? [];
  const files = new Map<string, string>();
  const environment = {
    apiVersion: API_VERSION,
    kind: 'Environment',
    metadata: metadata(env, options.environmentLabels),
    spec: {
      nodes: options.nodes,
      precedence: state.environment.precedence,
      gatekeeper: state.environment.gatekeeper,
      // As the gateway holds it: a reference it resolves itself, or a URL without credentials.
      ...(state.environment.sharedStorage === undefined ? {} : { sharedStorage: state.environment.sharedStorage }),
      ...(state.environment.requestPaths ? { requestPaths: state.environment.requestPaths } : {}),
      // Every certificate of the state is the environment's: an Api's reference to it lands in the same state.
      ...(state.certificates?.length
        ? { tls: { certificates: state.certificates.map((c) => c.name), ...(state.environment.tls ?? {}) } }
        : {}),
      policies: automated.map((p) => policySpec(p, env)),
    },
  };
  files.set('environment.yaml', document('environment', environment));
  for (const api of state.apis) {
    const manifest = {
      apiVersion: API_VERSION,
      kind: 'Api',
      metadata: metadata(api.name, api.labels),
      spec: {
        version: api.version,
        basePath: api.basePath,
        upstream: api.upstream,
        timeout: api.timeoutMs,
        ...(api.upstreamTls ? { upstreamTls: api.upstreamTls } : {}),
        environments: [env],
        policies: api.chain.filter((p) => p.origin === 'api').map((p) => policySpec(p, api.name)),
        slaTiers: api.slaTiers,
      },
    };
    files.set(`apis/${api.name}.yaml`, document('api', manifest));
  }
  if (state.applications.length) {
    const docs = state.applications.map((app) => ({
      apiVersion: API_VERSION,
      kind: 'Application',
      metadata: metadata(app.name, app.labels),
      spec: {
        clientId: app.clientId,
        ...(app.clientSecret === undefined
          ? {}
          : { clientSecret: secret(app.clientSecret, `${app.name}_client_secret`) }),
        contracts: app.contracts,
      },
    }));
    files.set('applications.yaml', docs.map((d) => document('application', d)).join('---\n'));
  }
  if (state.certificates?.length) {
    // References as the gateway holds them (absolute paths, variable names): never key material.
    const docs = state.certificates.map((c) => ({
      apiVersion: API_VERSION,
      kind: 'Certificate',
      metadata: metadata(c.name, c.labels),
      spec: { hosts: c.hosts, certificate: c.certificate, key: c.key },
    }));
    files.set('certificates.yaml', docs.map((d) => document('certificate', d)).join('---\n'));
  }
  return { files, variables: [...new Set(variables)].sort() };
}

/** The name, and the labels the state keeps (what `dump --selector` matched, and what a selector-scoped apply selects again). */
function metadata(
  name: string,
  labels: Readonly<Record<string, string>> | undefined,
): { name: string; labels?: Record<string, string> } {
  return labels && Object.keys(labels).length ? { name, labels: { ...labels } } : { name };
}

function document(schema: string, value: unknown): string {
  return `# yaml-language-server: $schema=https://tollgate.dev/schemas/${schema}.json\n${stringify(value, { lineWidth: 0 })}`;
}
