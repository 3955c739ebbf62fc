/**
 * An Environment and an Api `orders` limited to `limit` requests a day, as
 * one YAML file. The layout is fixed: the limit's value is at line 18, column 49.
 */
export function ordersManifests(options: {
  environment: string;
  upstream: string;
  limit: number | string;
  adminUrl?: string;
}): string {
  const node = options.adminUrl
    ? `  nodes: [{ name: gw, adminUrl: "${options.adminUrl}", token: "\${env:GW_TOKEN}" }]`
    : '  precedence: strict';
  return `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: ${options.environment} }
spec:
${node}
---
apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: ${options.upstream}
  environments: [${options.environment}]
  policies:
    - name: limit
      type: rate-limiting
      config: { rateLimits: [{ maximumRequests: ${options.limit}, timePeriodInMilliseconds: 86400000 }] }
`;
}
