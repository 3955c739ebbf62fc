/** Where client credentials are read: the reference's fields, shared by client-id-enforcement and rate-limiting-sla. */
export const credentialsProperties = {
  credentialsOriginHasHttpBasicAuthenticationHeader: {
    type: 'string',
    enum: ['customExpression', 'httpBasicAuthenticationHeader'],
    default: 'customExpression',
    description:
      'httpBasicAuthenticationHeader: the client id and secret are the user and password of an Authorization: Basic header; customExpression: clientIdExpression and clientSecretExpression say where they are.',
  },
  clientIdExpression: {
    type: 'string',
    pattern: '^#\\[',
    default: "#[attributes.headers['client_id']]",
    description: "Where the client id is, e.g. #[attributes.queryParams['client_id']].",
  },
  clientSecretExpression: {
    type: 'string',
    pattern: '^(#\\[.*)?$',
    default: "#[attributes.headers['client_secret']]",
    description: 'Where the client secret is; empty: the secret is not read (it is optional).',
  },
} as const;
