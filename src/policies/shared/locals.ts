/**
 * Keys of Exchange.locals that policies share. Client identification writes
 * them; rate limiting by client id and SLA rate limiting read them.
 */
export const LOCAL_CLIENT_ID = 'clientId';
export const LOCAL_APPLICATION = 'application';
/** A client id a request claimed but could not prove (for the access record; never a key or a grant). */
export const LOCAL_CLAIMED_CLIENT_ID = 'claimedClientId';
/** The user an authentication policy (basic-auth) verified: the expressions' authentication.principal. */
export const LOCAL_PRINCIPAL = 'principal';
