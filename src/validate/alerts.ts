import { diagnostic, formatPath, type Diagnostic } from '../errors/diagnostic.js';
import { durationMs } from '../manifest/formats.js';
import { locate } from '../manifest/source.js';
import type { AlertManifest, ManifestSet } from '../manifest/types.js';
import { effectiveApi } from '../model/effective-api.js';

/**
 * Alerts: their environments exist, the APIs they watch are deployed to them,
 * a policy-violation alert names a policy those chains have, fields belong to
 * the alert's type.
 */
export function alertDiagnostics(set: ManifestSet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const environments = new Map(set.environments.map((e) => [e.name, e]));
  const apis = new Map(set.apis.map((a) => [a.name, a]));
  for (const alert of set.alerts ?? []) {
    const at = (
      path: (string | number)[],
      message: string,
      code: Parameters<typeof diagnostic>[0] = 'TG_ALERT_CONFIG',
    ) => out.push(diagnostic(code, `Alert "${alert.name}": ${message}`, locate(alert.source, path), formatPath(path)));
    const { spec } = alert;
    spec.environments.forEach((name, i) => {
      if (!environments.has(name) && !set.invalidNames.Environment.has(name))
        at(['spec', 'environments', i], `environment "${name}" is not defined`, 'TG_UNKNOWN_ENVIRONMENT');
    });
    spec.apis?.forEach((name, i) => {
      const api = apis.get(name);
      if (!api) {
        if (!set.invalidNames.Api.has(name))
          at(['spec', 'apis', i], `Api "${name}" is not defined`, 'TG_UNKNOWN_REFERENCE');
        return;
      }
      const deployed = spec.environments.filter((e) => api.spec.environments.includes(e));
      if (deployed.length === 0)
        at(
          ['spec', 'apis', i],
          `Api "${name}" is deployed to none of the alert's environments (${spec.environments.join(', ')})`,
        );
    });
    if (spec.policy !== undefined) {
      if (spec.type !== 'policy-violation') at(['spec', 'policy'], 'only a policy-violation alert names a policy');
      else checkPolicy(alert, set, at);
    }
    if (spec.type !== 'response-code' && spec.codes !== undefined)
      at(['spec', 'codes'], 'only a response-code alert counts codes');
    if (durationMs(spec.period) < 1000) at(['spec', 'period'], 'a period lasts at least 1s');
    spec.notify.forEach((target, i) => {
      if (target.format === 'slack' && target.secret !== undefined)
        at(
          ['spec', 'notify', i, 'secret'],
          'a Slack webhook is not signed: its URL is the secret (reference it as ${env:NAME})',
        );
    });
  }
  return out;
}

/** The policy must stand in the chain of every watched API, in some environment of the alert (environment policies count). */
function checkPolicy(
  alert: AlertManifest,
  set: ManifestSet,
  at: (path: (string | number)[], message: string, code?: Parameters<typeof diagnostic>[0]) => void,
): void {
  const { spec } = alert;
  const watched = spec.apis
    ? set.apis.filter((a) => spec.apis!.includes(a.name))
    : set.apis.filter((a) => a.spec.environments.some((e) => spec.environments.includes(e)));
  const environments = set.environments.filter((e) => spec.environments.includes(e.name));
  const found = watched.some((api) =>
    environments.some(
      (env) =>
        api.spec.environments.includes(env.name) &&
        [...env.spec.policies, ...effectiveApi(api, env.name).policies].some((p) => p.name === spec.policy),
    ),
  );
  if (!found && watched.length > 0)
    at(
      ['spec', 'policy'],
      `no watched Api has a policy "${spec.policy}" in the alert's environments`,
      'TG_UNKNOWN_POLICY',
    );
}
