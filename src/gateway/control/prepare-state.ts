import type { EnvironmentState } from '../../model/types.js';
import { applyChanges, type StateChange } from '../state/apply-changes.js';
import { checkState, type StateProblem } from '../state/check-state.js';
import { sealSecrets } from '../state/seal-secrets.js';
import type { TlsResolution } from './tls-resolution.js';

/** What a transaction asks for: a whole state, or changes to the served one. */
export interface StateRequest {
  state?: unknown;
  changes?: StateChange[];
}

export type PreparedState =
  | { ok: true; state: EnvironmentState; tls: TlsResolution }
  | { ok: false; code: 'TG_INVALID_STATE'; message: string; problems?: StateProblem[] };

export interface PrepareOptions {
  /** The state a plan may compare with (changes apply to it); undefined when there is none. */
  current: EnvironmentState | undefined;
  /** Key of the `check` stored beside each secret. */
  secretCheckKey: string;
  resolveTls(state: EnvironmentState): TlsResolution;
}

/**
 * The state a transaction asks for, validated, its secrets sealed and its TLS
 * references resolved, or why it is refused. The objects given are taken
 * over (validation fills defaults in place); APIs and applications the
 * changes did not touch are the very objects already validated and sealed,
 * and are not checked again.
 */
export async function prepareState(request: StateRequest, options: PrepareOptions): Promise<PreparedState> {
  const invalid = (message: string, problems?: StateProblem[]): PreparedState => ({
    ok: false,
    code: 'TG_INVALID_STATE',
    message,
    ...(problems ? { problems } : {}),
  });
  const { current } = options;
  let candidate: unknown = request.state;
  let alreadyChecked: Set<object> | undefined;
  if (candidate === undefined) {
    if (!Array.isArray(request.changes)) return invalid('a transaction needs either "state" or "changes"');
    const base = current ?? emptyStateFor(request.changes);
    if (!base)
      return invalid(
        'the gateway has no state yet: the first transaction must send the full state or a set-environment change',
      );
    candidate = applyChanges(base, request.changes);
    if (current)
      alreadyChecked = new Set<object>([...current.apis, ...current.applications, ...(current.certificates ?? [])]);
  }
  const checked = checkState(candidate, alreadyChecked);
  if (!checked.state) return invalid('the state is invalid', checked.problems);
  const sealed = await sealSecrets(checked.state, alreadyChecked, {
    key: options.secretCheckKey,
    ...(current ? { live: current } : {}),
  });
  if (sealed.unresolved.length) {
    return invalid(
      'secret references must be resolved before they are sent',
      sealed.unresolved.map((p) => ({ path: p, message: 'unresolved ${env:...} reference' })),
    );
  }
  if (sealed.refused.length) return invalid(sealed.refused[0]!.message, sealed.refused);
  const state = sealed.state;
  // The gateway resolves certificate and upstream TLS references itself; what it cannot use is refused, and the previous certificates keep serving.
  const tls = options.resolveTls(state);
  if (tls.problems.length) return invalid('the TLS material of the state cannot be used on this gateway', tls.problems);
  return { ok: true, state, tls };
}

function emptyStateFor(changes: readonly StateChange[]): EnvironmentState | undefined {
  const env = changes.find((c) => c?.op === 'set-environment');
  return env && env.op === 'set-environment' ? { environment: env.environment, apis: [], applications: [] } : undefined;
}
