/** `basic-auth "login"` */
export function policyLabel(policy: { type: string; name: string }): string {
  return `${policy.type} "${policy.name}"`;
}
