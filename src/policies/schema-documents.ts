import { POLICY_CATALOG } from './catalog.js';

const DRAFT = 'http://json-schema.org/draft-07/schema#';
const BASE = 'https://tollgate.dev/schemas/';

/** A policy in a chain: the fields every policy has; `type` and the per-type config branches come from the catalog. */
function policyDocument(types: readonly string[]): Record<string, unknown> {
  return {
    $schema: DRAFT,
    $id: `${BASE}policy.json`,
    title: 'A policy in a chain',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'type'],
    properties: {
      name: {
        $ref: 'common.json#/definitions/name',
        description: 'Identity of the policy within its chain; stays stable across edits.',
      },
      type: { type: 'string', enum: types },
      enabled: {
        type: 'boolean',
        default: true,
        description: 'A disabled policy keeps its configuration but is not enforced.',
      },
      config: { type: 'object', default: {} },
      rules: { type: 'array', minItems: 1, items: { $ref: 'common.json#/definitions/rule' } },
      order: {
        type: 'string',
        enum: ['listed', 'last'],
        description:
          'Custom policies only: `last` (the default) runs it after the built-in policies; `listed` keeps it where it is listed.',
      },
    },
    allOf: types.map((type) => ({
      if: { properties: { type: { const: type } } },
      then: { properties: { config: { $ref: `policies/${type}.json` } } },
    })),
  };
}

/**
 * The JSON Schema files the catalog defines, by path under schemas/: one per
 * policy type and schemas/policy.json. `npm run schemas` (part of the build)
 * writes them; a test fails when the committed files differ.
 */
export function policySchemaDocuments(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const types = [...POLICY_CATALOG.keys()];
  out.set('policy.json', policyDocument(types));
  for (const module of POLICY_CATALOG.values()) {
    out.set(`policies/${module.type}.json`, {
      $schema: DRAFT,
      $id: `${BASE}policies/${module.type}.json`,
      ...module.schema,
    });
  }
  return out;
}

/** How the files are written: two-space JSON and a final newline. */
export function schemaFileText(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
