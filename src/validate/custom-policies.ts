import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diagnostic, type Diagnostic } from '../errors/diagnostic.js';
import { schemaDiagnostics } from '../manifest/schema-errors.js';
import { createAjv } from '../manifest/schemas.js';
import { locate, type SourceDocument } from '../manifest/source.js';
import type { ManifestSet, PolicySpec } from '../manifest/types.js';
import type { CustomConfig } from '../policies/custom/index.js';

/** Reads a file next to the manifests; undefined when it does not exist. */
export type AuxiliaryReader = (file: string) => string | undefined;

export const readFromDisk: AuxiliaryReader = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** Custom policies: the module must exist, and the config must match the policy's own schema when it names one. */
export function customPolicyDiagnostics(set: ManifestSet, read: AuxiliaryReader): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Built only when a custom policy names a schema: most repositories have none.
  let ajv: ReturnType<typeof createAjv> | undefined;
  const visit = (policies: readonly PolicySpec[], source: SourceDocument) =>
    policies.forEach((policy, i) => {
      if (policy.type !== 'custom') return;
      const config = policy.config as unknown as CustomConfig;
      const at = ['spec', 'policies', i, 'config'];
      const dir = path.dirname(source.file);
      if (read(path.resolve(dir, config.module)) === undefined) {
        out.push(
          diagnostic(
            'TG_CUSTOM_POLICY',
            `custom policy "${policy.name}": module ${config.module} not found (resolved against ${dir})`,
            locate(source, [...at, 'module']),
            `spec.policies[${i}].config.module`,
          ),
        );
      }
      if (config.schema === undefined) return;
      const text = read(path.resolve(dir, config.schema));
      let schema: unknown;
      try {
        schema = text === undefined ? undefined : JSON.parse(text);
      } catch (err) {
        out.push(
          diagnostic(
            'TG_CUSTOM_POLICY',
            `custom policy "${policy.name}": schema ${config.schema} is not JSON: ${(err as Error).message}`,
            locate(source, [...at, 'schema']),
            `spec.policies[${i}].config.schema`,
          ),
        );
        return;
      }
      if (schema === undefined) {
        out.push(
          diagnostic(
            'TG_CUSTOM_POLICY',
            `custom policy "${policy.name}": schema ${config.schema} not found (resolved against ${dir})`,
            locate(source, [...at, 'schema']),
            `spec.policies[${i}].config.schema`,
          ),
        );
        return;
      }
      try {
        const validate = (ajv ??= createAjv()).compile(schema as object);
        if (!validate(config.config))
          out.push(
            ...schemaDiagnostics(
              source,
              validate.errors ?? [],
              [...at, 'config'],
              'TG_CUSTOM_POLICY',
              `custom policy "${policy.name}" (schema ${config.schema}): `,
            ),
          );
      } catch (err) {
        out.push(
          diagnostic(
            'TG_CUSTOM_POLICY',
            `custom policy "${policy.name}": schema ${config.schema} is not a valid JSON Schema: ${(err as Error).message}`,
            locate(source, [...at, 'schema']),
            `spec.policies[${i}].config.schema`,
          ),
        );
      }
    });
  for (const env of set.environments) visit(env.spec.policies, env.source);
  for (const api of set.apis) visit(api.spec.policies, api.source);
  return out;
}
