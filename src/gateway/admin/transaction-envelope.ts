import type { ErrorObject, ValidateFunction } from 'ajv';
import { schemas } from '../../manifest/schemas.js';
import type { Transaction } from '../control/engine.js';

export interface EnvelopeProblem {
  path: string;
  message: string;
}

let compiled: ValidateFunction | undefined;

/**
 * The shape of a POST /transactions body (schemas/transaction.json), checked
 * before the engine sees it: a body that is not a transaction, or a change
 * that is not an object with a known op and its fields, is the client's
 * mistake (400), never an internal error. The contents of states and changes
 * are checked next by the engine, against the state they make (422).
 */
export function transactionProblems(
  body: unknown,
): { transaction: Transaction; problems: [] } | { problems: EnvelopeProblem[] } {
  compiled ??= schemas().ajv.getSchema('https://tollgate.dev/schemas/transaction.json');
  if (!compiled) throw new Error('schema transaction.json is missing');
  if (compiled(body)) return { transaction: body as Transaction, problems: [] };
  return { problems: summarize(compiled.errors ?? []) };
}

/** ajv reports every branch of oneOf and if/then: keep what names the actual mistake. */
function summarize(errors: readonly ErrorObject[]): EnvelopeProblem[] {
  const kept = errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      !(e.keyword === 'required' && e.schemaPath.startsWith('#/oneOf/')) &&
      !(e.keyword === 'not' && e.schemaPath.startsWith('#/oneOf/')),
  );
  const out = kept.map((e) => ({ path: e.instancePath, message: describe(e) }));
  const seen = new Set<string>();
  return out
    .filter((p) => {
      const key = `${p.path}|${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, 20);
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'oneOf':
      return 'a transaction carries either "state" or "changes", not both and not neither';
    case 'additionalProperties':
      return `unknown field "${String(params.additionalProperty)}"`;
    case 'required':
      return `missing field "${String(params.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? error.keyword;
  }
}
