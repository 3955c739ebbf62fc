// Values for the ${env:...} secrets a generated repository references, as a deployment would set them.
import path from 'node:path';
import { TOLLGATE_ROOT } from './targets.mjs';

export async function repositorySecrets(repo, environment) {
  const { validatePaths } = await import(path.join(TOLLGATE_ROOT, 'dist/validate/index.js'));
  const { environmentState } = await import(path.join(TOLLGATE_ROOT, 'dist/model/normalize.js'));
  const { resolveStateSecrets } = await import(path.join(TOLLGATE_ROOT, 'dist/secrets/resolve-state.js'));
  const probe = await validatePaths([repo], { env: environment });
  if (!probe.valid)
    throw new Error(
      `the generated repository is invalid: ${probe.diagnostics.find((d) => d.severity === 'error')?.message}`,
    );
  return Object.fromEntries(
    resolveStateSecrets(environmentState(probe.manifests, environment), {}).missing.map((name) => [
      name,
      `bench-secret-${name}`,
    ]),
  );
}
