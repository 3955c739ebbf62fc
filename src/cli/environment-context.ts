import type { Diagnostic } from '../errors/diagnostic.js';
import { environmentState } from '../model/normalize.js';
import type { EnvironmentState } from '../model/types.js';
import type { ManifestSet } from '../manifest/types.js';
import { colorWanted } from '../output/color.js';
import { renderDiagnostics } from '../output/diagnostics.js';
import type { GatewayNode } from '../reconcile/admin-client.js';
import { environmentNodes } from '../reconcile/environment-nodes.js';
import { resolveStateSecrets } from '../secrets/resolve-state.js';
import { validatePaths } from '../validate/index.js';
import type { CommandResult } from './result.js';
import { applySeverities, hasErrors, type SeverityPolicy } from '../errors/severity.js';
import { ownsEnvironment } from '../labels/select.js';
import type { Selector } from '../labels/selector.js';
import { ownedState } from '../model/ownership.js';

export interface EnvironmentContext {
  manifests: ManifestSet;
  /** Marked with the selector's owner mark when there is one. */
  desired: EnvironmentState;
  /** The plan options that follow from the selector: whose objects this apply changes, and whether it writes the environment settings. */
  ownership: { owner?: string; ownsEnvironment: boolean };
  nodes: GatewayNode[];
  /** Digest of the manifest files: the revision the gateways will report as their source. */
  revision: string;
  warnings: Diagnostic[];
}

/**
 * Everything plan and apply need before talking to a gateway: valid manifests,
 * the desired state with secrets resolved, the nodes with their tokens. Any
 * problem is a CommandResult (exit 1) and nothing is sent.
 */
export interface ContextOptions {
  selector?: Selector;
  followExternalLinks?: boolean;
  severity?: SeverityPolicy;
}

export async function loadEnvironmentContext(
  paths: string[],
  env: string,
  options: ContextOptions = {},
): Promise<EnvironmentContext | CommandResult> {
  const result = await validatePaths(paths, {
    env,
    ...(options.selector ? { selector: options.selector } : {}),
    followExternalLinks: options.followExternalLinks ?? false,
  });
  const diagnostics = applySeverities(result.diagnostics, options.severity);
  if (hasErrors(diagnostics)) {
    return {
      stderr:
        renderDiagnostics(diagnostics, 'text', { files: result.files.length, color: colorWanted(process.stderr) }) +
        'nothing was planned: fix the manifests first\n',
      exitCode: 1,
    };
  }
  const { nodes, missing, problems, unknown } = environmentNodes(result.manifests, env);
  if (unknown) return { stderr: `error TG_UNKNOWN_ENV_FILTER: environment "${env}" is not defined\n`, exitCode: 1 };
  if (problems.length)
    return {
      stderr: `error TG_TLS_KEY: the admin TLS material of these nodes cannot be read: ${problems.join('; ')}\nnothing was sent.\n`,
      exitCode: 1,
    };
  if (nodes.length === 0)
    return { stderr: `error TG_NO_NODES: environment "${env}" lists no gateway nodes (spec.nodes)\n`, exitCode: 1 };
  const resolved = resolveStateSecrets(environmentState(result.manifests, env));
  const unset = [...new Set([...missing, ...resolved.missing])].sort();
  if (!resolved.state || unset.length) {
    return {
      stderr: `error TG_SECRET_UNRESOLVED: set these environment variables first (referenced as \${env:NAME}): ${unset.join(', ')}\nnothing was sent.\n`,
      exitCode: 1,
    };
  }
  const owner = options.selector?.canonical;
  return {
    manifests: result.manifests,
    desired: ownedState(resolved.state, owner),
    ownership: {
      ...(owner === undefined ? {} : { owner }),
      ownsEnvironment: ownsEnvironment(result.manifests, env, options.selector),
    },
    nodes,
    revision: result.digest,
    warnings: diagnostics,
  };
}

export function isResult(value: unknown): value is CommandResult {
  return typeof value === 'object' && value !== null && 'exitCode' in value;
}
