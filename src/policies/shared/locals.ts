/**
 * Keys of Exchange.locals that policies share. Client identification writes
 * them; rate limiting by client id and SLA rate limiting read them.
 */
export const LOCAL_CLIENT_ID = 'clientId';
export const LOCAL_APPLICATION = 'application';
/** The user an authentication policy (basic-auth) verified: the expressions' authentication.principal. */
export const LOCAL_PRINCIPAL = 'principal';
