import type { ConfigProblem } from '../sdk/index.js';
import { compileStringExpression } from '../expressions/index.js';
import { checkExpression } from './expression-checks.js';

interface IpSourceConfig {
  ipExpression?: string;
  clientIpHeader?: string;
  trustedProxies?: readonly string[];
}

/**
 * The address source of an IP filter: a valid expression, not two sources at
 * once, and a warning when a client-controlled header is believed from every
 * peer (the reference's X-Forwarded-For default does that).
 */
export function checkIpSource(config: IpSourceConfig): ConfigProblem[] {
  if (config.ipExpression === undefined) return [];
  const problems = checkExpression(config.ipExpression, ['ipExpression'], 'string');
  if (problems.length > 0) return problems;
  if (config.clientIpHeader !== undefined) {
    problems.push({
      path: ['clientIpHeader'],
      message: 'clientIpHeader and ipExpression both say where the client address is: keep one',
    });
  }
  const headers = compileStringExpression(config.ipExpression, { basePath: '/' }).headers;
  if (headers.length > 0 && (config.trustedProxies ?? []).length === 0) {
    problems.push({
      path: ['ipExpression'],
      code: 'TG_CLIENT_ADDRESS_SPOOFABLE',
      message: `the client address comes from the ${headers.join(', ')} header of any peer, and any client can send it with any address; list the proxies that set it in trustedProxies (then only they are believed)`,
    });
  }
  return problems;
}
