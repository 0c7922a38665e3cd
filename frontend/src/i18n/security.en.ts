/** Strings of the security hardening (issue 22): redacted secret tasks. */
export const securityEn = {
  secretTask: 'Secret document',
  reviewedDraft: 'Reviewed draft',
  reviewedVersion: 'version',
  reviewedBody: 'the body composed here',
  auditRedacted: 'secret record (hidden)',
};
