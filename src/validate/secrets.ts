import { diagnostic, formatPath, type Diagnostic } from '../errors/diagnostic.js';
import { locate, type SourceDocument } from '../manifest/source.js';
import type { ApiManifest, ManifestSet, PolicySpec, SecretValue } from '../manifest/types.js';
import { PerManifest } from './per-manifest.js';
import { isSecretReference } from '../secrets/references.js';
import { policyModule } from '../policies/catalog.js';

/** Plain-text secrets in git are reported as warnings; references and hashes are fine. */
export function secretDiagnostics(set: ManifestSet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const check = plainTextCheck(out);
  for (const env of set.environments) {
    checkPolicies(check, env.spec.policies, env.source);
    env.spec.nodes.forEach((n, i) =>
      check(n.token, env.source, ['spec', 'nodes', i, 'token'], `admin token of node "${n.name}"`),
    );
    const storage = env.spec.sharedStorage;
    if (typeof storage === 'string' && !isSecretReference(storage) && /\/\/[^/@]*:[^/@]+@/.test(storage)) {
      check(storage, env.source, ['spec', 'sharedStorage'], 'the password in sharedStorage');
    }
  }
  for (const api of set.apis) out.push(...apiSecrets.of(api, undefined));
  for (const app of set.applications)
    check(app.spec.clientSecret, app.source, ['spec', 'clientSecret'], `client secret of application "${app.name}"`);
  for (const alert of set.alerts ?? []) {
    alert.spec.notify.forEach((target, i) => {
      check(
        target.secret,
        alert.source,
        ['spec', 'notify', i, 'secret'],
        `the webhook secret of alert "${alert.name}"`,
      );
      // A Slack incoming-webhook URL carries its credential in the path.
      if (target.format === 'slack')
        check(
          target.webhook,
          alert.source,
          ['spec', 'notify', i, 'webhook'],
          `the Slack webhook URL of alert "${alert.name}"`,
        );
    });
  }
  return out;
}

type Check = (
  value: SecretValue | undefined,
  source: SourceDocument,
  path: (string | number)[],
  what: string,
  where?: string,
) => void;

function plainTextCheck(out: Diagnostic[]): Check {
  return (value, source, path, what, where = '') => {
    if (typeof value !== 'string' || isSecretReference(value)) return;
    out.push(
      diagnostic(
        'TG_PLAINTEXT_SECRET',
        `${what} is written in clear text${where}; use a reference such as \${env:NAME}`,
        locate(source, path),
        formatPath(path),
      ),
    );
  };
}

function checkPolicies(check: Check, list: readonly PolicySpec[], source: SourceDocument): void {
  list.forEach((p, i) => {
    for (const field of policyModule(p.type).secretFields) {
      check(
        p.config[field] as SecretValue | undefined,
        source,
        ['spec', 'policies', i, 'config', field],
        `${p.type} "${p.name}" ${field}`,
      );
    }
  });
}

/** An Api's findings depend on that Api alone. */
const apiSecrets = new PerManifest<ApiManifest>((api) => {
  const out: Diagnostic[] = [];
  const check = plainTextCheck(out);
  checkPolicies(check, api.spec.policies, api.source);
  for (const [envName, override] of Object.entries(api.spec.overrides ?? {})) {
    for (const [name, change] of Object.entries(override.policies ?? {})) {
      const policy = api.spec.policies.find((p) => p.name === name);
      if (!policy || !change.config) continue;
      for (const field of policyModule(policy.type).secretFields) {
        check(
          change.config[field] as SecretValue | undefined,
          api.source,
          ['spec', 'overrides', envName, 'policies', name, 'config', field],
          `${policy.type} "${policy.name}" ${field}`,
          ` in the override for ${envName}`,
        );
      }
    }
  }
  return out;
});
