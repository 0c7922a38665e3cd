/** Process tenancy (issue 21): whose version a flow is, and an agency's own variant. */
export const tenancyVi = {
  processOwner: 'Của cơ quan',
  processOwnerDefault: 'Mặc định của tỉnh',
  processOwnVariant: 'biến thể của cơ quan mình',
  processInherited: 'dùng chung từ cấp trên',
  editorVersionOf: 'Phiên bản đang dùng: v{version} của {owner}.',
  editorOwnVariant: 'Đây là biến thể riêng của cơ quan mình; triển khai sẽ tạo phiên bản mới của biến thể này.',
  editorCreateVariant: 'Tạo biến thể của cơ quan mình từ quy trình này',
  editorVariantStarted:
    'Đang soạn biến thể riêng của cơ quan mình: khi triển khai, văn bản mới của cơ quan chạy theo biến thể này; các cơ quan khác vẫn chạy phiên bản của họ.',
};
