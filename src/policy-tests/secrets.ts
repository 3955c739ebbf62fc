import type { ApplicationState } from '../model/types.js';
import { referencedVariable } from '../secrets/references.js';
import type { TestRequest } from './types.js';

/** Every string a request sends that may be a ${env:NAME} reference. */
function sentStrings(request: TestRequest): string[] {
  const out: string[] = [];
  for (const value of Object.values(request.headers ?? {})) out.push(String(value));
  for (const value of Object.values(request.query ?? {})) out.push(String(value));
  if (request.basicAuth) out.push(request.basicAuth.username, request.basicAuth.password);
  if (typeof request.body === 'string') out.push(request.body);
  return out;
}

/** Variables the requests reference. */
export function requestVariables(requests: readonly TestRequest[]): string[] {
  const names = new Set<string>();
  for (const request of requests)
    for (const value of sentStrings(request)) {
      const name = referencedVariable(value);
      if (name !== undefined) names.add(name);
    }
  return [...names];
}

/**
 * Whether any request presents this application's client id (a header or
 * query value, or the user of Basic credentials): only then does the test
 * need the application's secret.
 */
export function presentsClient(requests: readonly TestRequest[], application: ApplicationState): boolean {
  return requests.some((request) => {
    const values = [...Object.values(request.headers ?? {}), ...Object.values(request.query ?? {})].map(String);
    if (request.basicAuth) values.push(request.basicAuth.username);
    const authorization = Object.entries(request.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'authorization',
    )?.[1];
    if (typeof authorization === 'string' && /^basic /i.test(authorization)) {
      values.push(Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8').split(':')[0] ?? '');
    }
    return values.includes(application.clientId);
  });
}

/** An application secret that is a reference to an unset variable: the variable's name. */
export function unsetSecretVariable(application: ApplicationState, variables: NodeJS.ProcessEnv): string | undefined {
  if (typeof application.clientSecret !== 'string') return undefined;
  const name = referencedVariable(application.clientSecret);
  return name !== undefined && !variables[name] ? name : undefined;
}

/** Resolves references in request strings, remembering the values so that messages can hide them. */
export function requestResolver(variables: NodeJS.ProcessEnv): {
  resolve(value: string): string;
  secrets: Set<string>;
} {
  const secrets = new Set<string>();
  return {
    secrets,
    resolve(value) {
      const name = referencedVariable(value);
      if (name === undefined) return value;
      const resolved = variables[name] ?? '';
      secrets.add(resolved);
      return resolved;
    },
  };
}
