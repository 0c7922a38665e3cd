/** Strings of the security hardening (issue 22): redacted secret tasks. */
export const securityVi = {
  secretTask: 'Văn bản mật',
  reviewedDraft: 'Dự thảo đã duyệt',
  reviewedVersion: 'phiên bản',
  reviewedBody: 'nội dung soạn trên hệ thống',
  auditRedacted: 'đối tượng mật (đã ẩn)',
};
