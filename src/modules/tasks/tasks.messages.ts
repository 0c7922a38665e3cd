import { registerMessages } from '../../common/messages.js';

registerMessages({
  TASK_NOT_OPEN: { vi: 'Công việc này đã kết thúc.', en: 'This task is no longer open.' },
  TASK_CLAIMED_BY_OTHER: {
    vi: 'Công việc đang do {assignee} xử lý.',
    en: 'This task is held by {assignee}.',
  },
  TASK_NOT_ASSIGNEE: {
    vi: 'Chỉ người đang xử lý công việc mới thực hiện được thao tác này.',
    en: 'Only the person holding the task can do this.',
  },
  TASK_FIELD_REQUIRED: { vi: 'Chưa nhập trường bắt buộc "{field}".', en: 'The field "{field}" is required.' },
  TASK_FIELD_INVALID: {
    vi: 'Trường "{field}" không hợp lệ (cần: {expected}).',
    en: 'The field "{field}" is invalid (expected: {expected}).',
  },
  TASK_FIELD_UNKNOWN: {
    vi: 'Biểu mẫu của công việc không có trường "{field}".',
    en: 'The task form has no field "{field}".',
  },
  TASK_OPTION_INVALID: {
    vi: 'Giá trị của trường "{field}" phải là một trong: {allowed}.',
    en: 'The field "{field}" must be one of: {allowed}.',
  },
  TASK_SCOPE_FORBIDDEN: {
    vi: 'Chỉ lãnh đạo và trưởng đơn vị mới xem được toàn bộ công việc.',
    en: 'Only leaders and unit heads can see all tasks.',
  },
  TASK_REASSIGN_OUT_OF_SCOPE: {
    vi: 'Người được giao phải thuộc phạm vi bạn phụ trách.',
    en: 'The new assignee must be within your unit or agency.',
  },
  TASK_ATTACHMENT_REQUIRED: { vi: 'Chưa chọn tệp đính kèm (trường "file").', en: 'No file uploaded (field "file").' },
  TASK_BAD_PERIOD: {
    vi: 'Khoảng thời gian không hợp lệ (from/to dạng yyyy-MM-dd).',
    en: 'Invalid period (from/to as yyyy-MM-dd).',
  },
});
