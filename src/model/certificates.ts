import type { CertificateState, EnvironmentState } from './types.js';

/** `state` with the certificates of `from` (the same array), when it has any: states without TLS keep their shape. */
export function withCertificates(
  state: EnvironmentState,
  from: Pick<EnvironmentState, 'certificates'>,
  certificates: readonly CertificateState[] | undefined = from.certificates,
): EnvironmentState {
  if (certificates?.length) state.certificates = certificates as CertificateState[];
  return state;
}
