/** Strings of the security hardening (issue 22): redacted secret tasks. */
export const securityVi = {
  secretTask: 'Văn bản mật',
  auditRedacted: 'đối tượng mật (đã ẩn)',
};
