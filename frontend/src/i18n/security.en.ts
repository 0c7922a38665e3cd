/** Strings of the security hardening (issue 22): redacted secret tasks. */
export const securityEn = {
  secretTask: 'Secret document',
  auditRedacted: 'secret record (hidden)',
};
