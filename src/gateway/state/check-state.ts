import type { ErrorObject, ValidateFunction } from 'ajv';
import { schemas } from '../../manifest/schemas.js';
import { ErrorCatalog } from '../../errors/catalog.js';
import { checkPolicyConfig } from '../../policies/config-check.js';
import type { CertificateState, EnvironmentState } from '../../model/types.js';
import { orderViolations } from '../../precedence/validate-order.js';

const STATE = 'https://tollgate.dev/schemas/state.json#/definitions/';

export interface StateProblem {
  path: string;
  message: string;
}

function validator(definition: string): ValidateFunction {
  const fn = schemas().ajv.getSchema(STATE + definition);
  if (!fn) throw new Error(`state.json#/definitions/${definition} missing`);
  return fn;
}

/**
 * The gateway validates every state it is sent, as the manifests were: schema,
 * policy configs (defaults filled in place, then each policy's own checks, as
 * `validate` runs them), chain precedence, names and base paths. APIs and applications in `alreadyChecked` were validated when they were first
 * applied; APIs among them are only checked against the others (names, base paths).
 */
export function checkState(
  candidate: unknown,
  alreadyChecked?: ReadonlySet<object>,
): { state?: EnvironmentState; problems: StateProblem[] } {
  const problems: StateProblem[] = [];
  const c = candidate as Partial<EnvironmentState> | null;
  if (
    typeof c !== 'object' ||
    c === null ||
    !Array.isArray(c.apis) ||
    !Array.isArray(c.applications) ||
    typeof c.environment !== 'object'
  ) {
    return {
      problems: [{ path: '', message: 'a state is {"environment": {...}, "apis": [...], "applications": [...]}' }],
    };
  }
  const extra = Object.keys(c).filter((k) => !['environment', 'apis', 'applications', 'certificates'].includes(k));
  if (extra.length) problems.push({ path: '', message: `unknown field(s) ${extra.join(', ')}` });
  collect(validator('environment'), c.environment, '/environment', problems);
  c.applications.forEach((app, i) => {
    if (!alreadyChecked?.has(app)) collect(validator('application'), app, `/applications/${i}`, problems);
  });
  problems.push(...certificateProblems(c.certificates, alreadyChecked));
  const checkApi = validator('api');
  const precedence = c.environment?.precedence;
  c.apis.forEach((api, a) => {
    if (alreadyChecked?.has(api)) return;
    if (!collect(checkApi, api, `/apis/${a}`, problems)) return;
    api.chain.forEach((policy, p) => {
      // The same config check as `validate`: what one accepts, the other does.
      const checked = checkPolicyConfig(policy.type, policy.config);
      const at = `/apis/${a}/chain/${p}/config`;
      for (const e of checked.schemaErrors) problems.push(fromAjv(e, at));
      for (const problem of checked.problems) {
        // Warnings (validate reports them too) do not make a state invalid.
        if (problem.code !== undefined && ErrorCatalog[problem.code].severity === 'warning') continue;
        problems.push({
          path: at + problem.path.map((s) => `/${String(s)}`).join(''),
          message: `${policy.type} "${policy.name}": ${problem.message}`,
        });
      }
    });
    if (precedence === 'strict' || precedence === 'cors-first') {
      for (const v of orderViolations(api.chain, precedence))
        problems.push({ path: `/apis/${a}/chain/${v.index}`, message: `precedence: ${v.message}` });
    }
  });
  const names = new Map<string, number>();
  const basePaths = new Map<string, string>();
  c.apis.forEach((api, a) => {
    if (typeof api !== 'object' || api === null) return;
    if (names.has(api.name)) problems.push({ path: `/apis/${a}/name`, message: `Api "${api.name}" appears twice` });
    names.set(api.name, a);
    const clash = basePaths.get(api.basePath);
    if (clash !== undefined)
      problems.push({ path: `/apis/${a}/basePath`, message: `Api "${api.name}" has the same base path as "${clash}"` });
    basePaths.set(api.basePath, api.name);
  });
  return problems.length ? { problems } : { state: c as EnvironmentState, problems };
}

/** Certificates as references the gateway resolves (their material is checked when it is resolved): names and hosts unique. */
function certificateProblems(certificates: unknown, alreadyChecked: ReadonlySet<object> | undefined): StateProblem[] {
  if (certificates === undefined) return [];
  if (!Array.isArray(certificates)) return [{ path: '/certificates', message: 'must be an array' }];
  const problems: StateProblem[] = [];
  const checkCertificate = validator('certificate');
  const names = new Set<string>();
  const hosts = new Map<string, string>();
  certificates.forEach((cert: CertificateState, i) => {
    if (!alreadyChecked?.has(cert) && !collect(checkCertificate, cert, `/certificates/${i}`, problems)) return;
    if (names.has(cert.name))
      problems.push({ path: `/certificates/${i}/name`, message: `Certificate "${cert.name}" appears twice` });
    names.add(cert.name);
    cert.hosts.forEach((host, h) => {
      const other = hosts.get(host);
      if (other !== undefined)
        problems.push({
          path: `/certificates/${i}/hosts/${h}`,
          message: `host "${host}" is served by Certificate "${other}" already`,
        });
      hosts.set(host, cert.name);
    });
  });
  return problems;
}

function collect(validate: ValidateFunction, value: unknown, prefix: string, into: StateProblem[]): boolean {
  if (validate(value)) return true;
  for (const e of validate.errors ?? []) if (e.keyword !== 'if') into.push(fromAjv(e, prefix));
  return false;
}

function fromAjv(error: ErrorObject, prefix: string): StateProblem {
  const extra =
    error.keyword === 'additionalProperties'
      ? ` "${String((error.params as { additionalProperty: string }).additionalProperty)}"`
      : '';
  return { path: prefix + error.instancePath, message: `${error.message ?? error.keyword}${extra}` };
}
