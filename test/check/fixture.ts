/**
 * The base repository of the check tests: two environments (production strict
 * with an automated audit log, sandbox cors-first), two Apis owned by
 * different teams, and a CODEOWNERS file.
 */
export const ENVIRONMENTS = `apiVersion: tollgate.dev/v1
kind: Environment
metadata:
  name: production
spec:
  precedence: strict
  gatekeeper: strict
  nodes:
    - { name: prod-1, adminUrl: "http://127.0.0.1:1", token: "\${env:PROD_TOKEN}" }
  policies:
    - name: audit-log
      type: message-logging
      config: { loggingConfiguration: [{ itemData: { message: '#[attributes.method]', category: production.audit, level: INFO, secondSection: true } }] }
---
apiVersion: tollgate.dev/v1
kind: Environment
metadata:
  name: sandbox
spec:
  precedence: cors-first
  gatekeeper: flexible
  nodes:
    - { name: sandbox-1, adminUrl: "http://127.0.0.1:2", token: "\${env:SANDBOX_TOKEN}" }
`;

/** basic-auth password "pw", pre-hashed. */
export const ORDERS = `apiVersion: tollgate.dev/v1
kind: Api
metadata:
  name: orders
spec:
  version: v1
  basePath: /orders
  upstream: http://127.0.0.1:9
  environments: [production, sandbox]
  policies:
    - name: browsers
      type: cors
      config:
        publicResource: false
        supportCredentials: true
        originGroups:
          - origins: [https://app.example.com]
    - name: quota
      type: rate-limiting
      config:
        rateLimits:
          - { maximumRequests: 10, timePeriodInMilliseconds: 1000 }
          - { maximumRequests: 1000, timePeriodInMilliseconds: 3600000 }
        exposeHeaders: true
    - name: office
      type: ip-allowlist
      config:
        ips: [10.30.0.0/16]
    - name: login
      type: basic-auth
      config:
        username: ops
        password: { salt: orders-salt-0001, sha256: d05299798997a9dd61686b3f5a3cf69444899c75a02bb139d4ce839863f84ecc }
    - name: body-limits
      type: json-threat-protection
      config: { maxContainerDepth: 8, maxStringValueLength: 1000 }
  tests:
    - name: anonymous callers get 401
      request: { path: /orders, clientIp: 10.30.1.2 }
      expect: { status: 401 }
    - name: the office gets in with the login
      request:
        path: /orders
        clientIp: 10.30.1.2
        basicAuth: { username: ops, password: pw }
      expect: { status: 200 }
`;

export const CATALOG = `apiVersion: tollgate.dev/v1
kind: Api
metadata:
  name: catalog
spec:
  version: v1
  basePath: /catalog
  upstream: http://127.0.0.1:9
  environments: [production, sandbox]
  policies:
    - name: per-ip
      type: rate-limiting
      config:
        rateLimits:
          - { maximumRequests: 100, timePeriodInMilliseconds: 1000 }
        keySelector: { source: ip }
    - name: partners
      type: client-id-enforcement
      config: { clientSecretExpression: "#[attributes.headers['client_secret']]" }
    - name: tag
      type: header-injection
      config:
        inboundHeaders:
          - { key: X-Api, value: catalog }
`;

export const CODEOWNERS = `# Reviews
*                     @platform-team
/apis/                @api-guild
/apis/catalog.yaml    @catalog-team
environments/         @platform-team @sre
`;

export const BASE_FILES = {
  'environments/environments.yaml': ENVIRONMENTS,
  'apis/orders.yaml': ORDERS,
  'apis/catalog.yaml': CATALOG,
  '.github/CODEOWNERS': CODEOWNERS,
};
