/**
 * The one catalog of coded errors. Every diagnostic and every error a command
 * prints carries one of these codes; `rule` explains what the user must change.
 * docs/errors.md documents every code (what it means, what to do), and
 * test/errors/catalog-docs.test.ts holds the two to each other.
 */
export const ErrorCatalog = {
  TG_YAML_SYNTAX: {
    severity: 'error',
    rule: 'The file must be valid YAML 1.2, read with its core schema (no tabs for indentation, no duplicate keys).',
  },
  TG_FILE_UNREADABLE: { severity: 'error', rule: 'Manifest paths must exist and be readable.' },
  TG_MANIFEST_TOO_LARGE: {
    severity: 'error',
    rule: 'A manifest file, and the manifests of one revision together, must stay within the size limits (--max-file-size, --max-repository-size), so that no repository can stall or exhaust the control side.',
  },
  TG_LINK_NOT_FOLLOWED: {
    severity: 'warning',
    rule: 'Links under a manifest folder are followed only inside that folder (a mounted ConfigMap links into its own ..data), never in a loop; --follow-external-links follows links that lead outside it.',
  },
  TG_NO_MANIFESTS: { severity: 'error', rule: 'At least one .yaml/.yml manifest must be found under the given paths.' },
  TG_UNKNOWN_KIND: {
    severity: 'error',
    rule: 'apiVersion must be tollgate.dev/v1 and kind one of Environment, Api, Application, Certificate, Alert.',
  },
  TG_SCHEMA: { severity: 'error', rule: 'The document must match the JSON Schema of its kind (schemas/).' },
  TG_DUPLICATE_NAME: {
    severity: 'error',
    rule: 'metadata.name must be unique per kind, and policy names unique within a chain.',
  },
  TG_UNKNOWN_ENVIRONMENT: {
    severity: 'error',
    rule: 'An Api may only be deployed to, or override, an Environment that is defined; an Alert may only watch one.',
  },
  TG_UNKNOWN_REFERENCE: {
    severity: 'error',
    rule: 'A contract must name a defined Api, one of its versions and, if given, one of its SLA tiers; a certificate reference must name a defined Certificate; an Alert must name defined Apis.',
  },
  TG_UNKNOWN_POLICY: {
    severity: 'error',
    rule: 'A per-environment policy override must name a policy of the Api; a policy-violation Alert must name a policy of a chain it watches.',
  },
  TG_BASE_PATH_OVERLAP: {
    severity: 'error',
    rule: 'Two APIs in one environment must not serve the same base path, nor one inside the other.',
  },
  TG_PRECEDENCE: {
    severity: 'error',
    rule: 'The fixed-precedence policies must lead the chain in their fixed order; other policies may not be placed above them.',
  },
  TG_AUTOMATED_CONFLICT: {
    severity: 'error',
    rule: 'A policy type applied at environment level (automated) cannot also be applied at API level.',
  },
  TG_REQUIREMENT_MISSING: {
    severity: 'error',
    rule: 'A policy that requires a characteristic needs another enabled policy in the same chain that provides it.',
  },
  TG_CHARACTERISTIC_CONFLICT: {
    severity: 'error',
    rule: 'Two policies in one chain must not provide the same exclusive characteristic unless rules scope both of them.',
  },
  TG_POLICY_CONFIG: {
    severity: 'error',
    rule: 'The policy configuration must be consistent with the policy reference.',
  },
  TG_EXPRESSION: {
    severity: 'error',
    rule: 'An expression (#[...]) must use the supported subset: attributes.headers/queryParams/method/requestPath/relativePath/remoteAddress/host/statusCode, authentication.principal/clientId/clientName, quoted strings, ++, default, ==, !=, and, or, not, and give the type its field needs.',
  },
  TG_CLIENT_ADDRESS_SPOOFABLE: {
    severity: 'warning',
    rule: 'A client address read from a request header is only as trustworthy as whoever set the header: name the proxies that set it (trustedProxies), or any client can claim any address.',
  },
  TG_CUSTOM_POLICY: {
    severity: 'error',
    rule: 'A custom policy must name a readable module and, if given, a readable JSON Schema that its config matches.',
  },
  TG_ALERT_CONFIG: {
    severity: 'error',
    rule: 'An Alert must watch APIs deployed to its environments, name a policy of their chains (policy-violation), set codes only for response-code, last at least one second per period, and sign only json webhooks (a Slack URL is itself the secret).',
  },
  TG_SLA_TIER: {
    severity: 'error',
    rule: 'rate-limiting-sla needs SLA tiers on the Api, and every contract of the Api needs a tier.',
  },
  TG_TLS_CERTIFICATE: {
    severity: 'error',
    rule: 'A certificate must be a PEM chain, leaf first, that parses (inline, ${file:PATH} or ${env:NAME}); no private key belongs in it.',
  },
  TG_TLS_KEY: {
    severity: 'error',
    rule: 'A private key is written only as a reference (${env:NAME} or ${file:PATH}, e.g. a mounted secret), never as key material in git, and must be an unencrypted PEM key that matches its certificate.',
  },
  TG_TLS_HOSTS: {
    severity: 'error',
    rule: "Every host name of a Certificate must be covered by the certificate's subject alternative names, and one environment serves each host name with one certificate.",
  },
  TG_TLS_EXPIRED: {
    severity: 'error',
    rule: 'A certificate must not be expired (nor not yet valid): renew it before it is applied.',
  },
  TG_TLS_EXPIRING: {
    severity: 'warning',
    rule: 'A certificate that expires within --cert-expiry-warning days (30) should be renewed now.',
  },
  TG_TLS_UNCHECKED: {
    severity: 'notice',
    rule: 'What a reference names on the gateway (a mounted file, a variable of its environment) can only be checked where it is resolved: the gateway checks it when the state is applied, and refuses it (422) if it is bad.',
  },
  TG_UPSTREAM_TLS: {
    severity: 'error',
    rule: 'upstreamTls applies to an https:// upstream; its certificates must parse and its client key must be a reference that matches the client certificate.',
  },
  TG_PLAINTEXT_SECRET: {
    severity: 'warning',
    rule: 'Secrets belong in references (${env:NAME}) or pre-hashed {salt, sha256}, not in clear text in git.',
  },
  TG_SECRET_UNRESOLVED: {
    severity: 'error',
    rule: 'Every ${env:NAME} reference must name a set environment variable when it is applied.',
  },
  TG_UNKNOWN_ENV_FILTER: { severity: 'error', rule: '--env must name an Environment defined in the manifests.' },
  TG_NO_NODES: {
    severity: 'warning',
    rule: 'An Environment without gateway nodes can be validated but not planned or applied.',
  },
  TG_EMPTY_ENVIRONMENT: { severity: 'warning', rule: 'An Environment that no Api is deployed to serves nothing.' },
  TG_CONFIG: {
    severity: 'error',
    rule: 'The config file (--config-file, TOLLGATE_CONFIG_FILE or .tollgate.yaml) holds options by their long names, per-command options under commands:, and severity: error, warning or off per diagnostic code; an environment variable TOLLGATE_<OPTION> holds a valid value of its option.',
  },
  TG_USAGE: { severity: 'error', rule: 'The command line must name valid options and arguments (see --help).' },
  TG_NODE_UNREACHABLE: {
    severity: 'error',
    rule: "A gateway node's admin API must answer: transport errors and 5xx are retried with backoff, and a node still not answering is reported and left as it was (run the command again once it is back).",
  },
  TG_ADMIN_AUTH: { severity: 'error', rule: 'Admin API calls need the bearer token of the node.' },
  TG_BAD_REQUEST: {
    severity: 'error',
    rule: 'A request to the admin or status API must be well-formed: JSON where JSON is expected, and a transaction is {expectedRevision, state} or {expectedRevision, changes: [{op, ...}]} (schemas/transaction.json).',
  },
  TG_INTERNAL: {
    severity: 'error',
    rule: 'An internal error: nothing was changed by this request; the details are in the log of the process that answered.',
  },
  TG_STALE_REVISION: {
    severity: 'error',
    rule: 'A transaction must name the revision the gateway currently serves; re-read and re-plan.',
  },
  TG_INVALID_STATE: {
    severity: 'error',
    rule: 'A state sent to the gateway must pass the same validation as the manifests.',
  },
  TG_COMPILE: { severity: 'error', rule: 'Every policy of a state must compile; the previous state keeps serving.' },
  TG_PERSIST: {
    severity: 'error',
    rule: 'A gateway applies a state only once it is on disk: its state dir must be writable and have room; the previous state keeps serving.',
  },
  TG_GIT: {
    severity: 'error',
    rule: 'check reads manifests from git: run it inside a git repository and name commits that exist there (in CI, fetch the base commit first).',
  },
  TG_BASE_UNREADABLE: {
    severity: 'warning',
    rule: 'The base should load cleanly; where it does not, the plan compares against what could be read.',
  },
  TG_CHAIN_REORDERED: {
    severity: 'warning',
    rule: 'A new order of a chain changes which policy answers first; the precedence profile allows this one.',
  },
  TG_REORDER_FORBIDDEN: {
    severity: 'error',
    rule: 'A reorder must keep the fixed head of the precedence profile (strict: cors → spike-control → rate-limiting; cors-first: cors) above every other policy.',
  },
  TG_PRECEDENCE_RELAXED: {
    severity: 'warning',
    rule: 'Relaxing an environment from strict to cors-first lets other policies run before spike control and rate limiting in every chain.',
  },
  TG_ENV_POLICY_CONFLICT: {
    severity: 'warning',
    rule: "An environment-level change that moves automated policies relative to API-level ones, or collides with them, needs the environment's and the Api's owners to agree.",
  },
  TG_AUTH_REMOVED: {
    severity: 'error',
    rule: 'An Api that authenticated its callers must keep an enabled authentication or client-id policy.',
  },
  TG_AUTH_WEAKENED: {
    severity: 'warning',
    rule: 'Removing, disabling or scoping (rules) an authentication or client-id policy, or making its client secret optional, widens who may call the Api.',
  },
  TG_IP_ALLOWLIST_OPENED: {
    severity: 'error',
    rule: 'An IP allowlist must not be removed, disabled or opened to every address (0.0.0.0/0, ::/0).',
  },
  TG_IP_ALLOWLIST_WIDENED: {
    severity: 'warning',
    rule: 'A new allowlist or trusted-proxy range that contains a former one or is very broad (IPv4 shorter than /8, IPv6 shorter than /32), or rules that scope the allowlist, admit many more clients.',
  },
  TG_RATE_LIMIT_LOOSENED: {
    severity: 'warning',
    rule: 'A limit raised by --rate-limit-factor or more, a window removed, a whole-API limit now counted per key, or a limiting policy removed, disabled or scoped lets much more traffic through.',
  },
  TG_CORS_OPENED: {
    severity: 'warning',
    rule: 'CORS that admits any origin ("*" or publicResource) lets every web page call the Api from a browser.',
  },
  TG_CORS_OPEN_WITH_CREDENTIALS: {
    severity: 'error',
    rule: 'CORS must not admit any origin while it supports credentials.',
  },
  TG_THREAT_PROTECTION_LOOSENED: {
    severity: 'warning',
    rule: 'Threat-protection limits that are raised, unset (unlimited) or removed let larger and deeper bodies reach the upstream.',
  },
  TG_SECRET_ADDED: {
    severity: 'error',
    rule: 'A secret committed in clear text stays in the git history: use ${env:NAME} or a pre-hashed {salt, sha256}, and rotate the exposed value.',
  },
  TG_TEST_FAILED: {
    severity: 'error',
    rule: "A policy test's expectations must hold against the Api's compiled chain.",
  },
  TG_TEST_SKIPPED: {
    severity: 'warning',
    rule: 'A policy test that needs a ${env:NAME} secret runs only when that variable is set.',
  },
  TG_RECORDS: {
    severity: 'error',
    rule: 'Replay reads access records (NDJSON, as the gateway writes them when an Environment sets spec.accessRecords): --records names one such file, gzipped or not, or a folder of them.',
  },
  TG_REPLAY_REFUSED: {
    severity: 'warning',
    rule: 'Recorded traffic replayed through the head is refused where the base admitted it: clients that work today would get this status after the change.',
  },
  TG_REPLAY_ADMITTED: {
    severity: 'warning',
    rule: 'Recorded traffic the base refused is admitted by the head: a policy that stopped these requests no longer does.',
  },
  TG_ALERT_REMOVED: {
    severity: 'warning',
    rule: 'An alert deleted, moved off an environment or turned into another type no longer tells anyone when its condition holds.',
  },
  TG_ALERT_WEAKENED: {
    severity: 'warning',
    rule: 'A threshold moved away from what the alert watches for, more or longer periods, fewer codes, APIs or policies watched, per-node instead of environment counts, a lower severity or a receiver dropped make an alert fire later, less often or reach fewer people.',
  },
  TG_TLS_REMOVED: {
    severity: 'error',
    rule: 'An environment that served HTTPS must keep serving it: removing every certificate leaves its TLS listeners refusing every handshake.',
  },
  TG_TLS_WEAKENED: {
    severity: 'warning',
    rule: 'Lowering the minimum TLS version, changing the cipher list, no longer redirecting plain HTTP, or dropping a host name from the certificates weakens what clients are protected by.',
  },
  TG_UPSTREAM_TLS_UNVERIFIED: {
    severity: 'error',
    rule: "Turning off verification of an upstream's certificate (upstreamTls.verify: false) lets anyone on the path impersonate the upstream.",
  },
  TG_UPSTREAM_TLS_REMOVED: {
    severity: 'warning',
    rule: 'An upstream moved from https:// to http://, or that dropped its CA or client certificate, is reached with less protection.',
  },
  TG_TEST_INVALID: {
    severity: 'error',
    rule: 'A policy test must name an environment the Api is deployed to, a path under its base path and a client IP address.',
  },
} as const satisfies Record<string, { severity: Severity; rule: string }>;

/** notice: said so the user knows, never a failure (not even with --fail-on warning). */
export type Severity = 'error' | 'warning' | 'notice';
export type ErrorCode = keyof typeof ErrorCatalog;

/** An error a command can catch and print; never carries secret values. */
export class TollgateError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'TollgateError';
    this.code = code;
    this.details = details;
  }
}

/** A gateway node's admin API did not answer, after the retries of transport errors and 5xx. */
export class NodeUnreachableError extends TollgateError {
  constructor(
    readonly node: string,
    readonly url: string,
    reason: string,
  ) {
    super('TG_NODE_UNREACHABLE', `node ${node} (${url}) unreachable: ${reason}`);
    this.name = 'NodeUnreachableError';
  }
}

/** A policy of an API that does not compile: the transaction is refused, or at start-up only that API answers 503. */
export class PolicyCompileError extends TollgateError {
  constructor(
    readonly api: string,
    readonly policy: string,
    reason: string,
  ) {
    super('TG_COMPILE', `Api "${api}", policy "${policy}" failed to compile: ${reason}`);
    this.name = 'PolicyCompileError';
  }
}

/** A problem in an expression (`#[...]`), at `offset` in the configured string. */
export class ExpressionError extends TollgateError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super('TG_EXPRESSION', message);
    this.name = 'ExpressionError';
  }
}

/** A label selector (--selector) that does not parse. */
export class SelectorError extends TollgateError {
  constructor(message: string) {
    super('TG_USAGE', message);
    this.name = 'SelectorError';
  }
}
