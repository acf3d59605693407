// How the remaining coded values are named to people (zh, en). Plan statuses, filing states, ID types and
// education levels have their tables beside their schemas (classes.ts, roster.ts); these complete the set
// for the web client, typed by the contracts' own enums so that a new value cannot go unnamed.
import type { Role } from './common';
import type { LocalizedText } from './errors';
import type { QualificationStatus } from './institution';
import type { VERIFICATION_STATUSES } from './identity';
import type { GapReason } from './live';

export const ROLE_LABELS: Readonly<Record<Role, LocalizedText>> = {
  platform_admin: { zh: '平台管理员', en: 'Platform admin' },
  institution_admin: { zh: '机构管理员', en: 'Institution admin' },
  class_manager: { zh: '班主任', en: 'Class manager' },
  instructor: { zh: '教员', en: 'Instructor' },
  trainee: { zh: '学员', en: 'Trainee' },
  maritime_officer: { zh: '海事检查员', en: 'Maritime officer' },
};

export const VERIFICATION_STATUS_LABELS: Readonly<
  Record<(typeof VERIFICATION_STATUSES)[number], LocalizedText>
> = {
  pending: { zh: '待核验', en: 'Pending' },
  verified: { zh: '已核验', en: 'Verified' },
  rejected: { zh: '未通过', en: 'Rejected' },
};

export const QUALIFICATION_LABELS: Readonly<Record<QualificationStatus, LocalizedText>> = {
  qualified: { zh: '具备线上培训资格', en: 'Qualified' },
  rectification: { zh: '整改中', en: 'Rectification' },
  suspended: { zh: '暂停', en: 'Suspended' },
  revoked: { zh: '撤销', en: 'Revoked' },
  none: { zh: '无资格', en: 'None' },
};

/** TM-6 / JS-8: why a stretch of a session is not in its recording (the manifest's gap reasons). */
export const GAP_REASON_LABELS: Readonly<Record<GapReason, LocalizedText>> = {
  recorder_starting: { zh: '录制启动中', en: 'Recorder starting' },
  no_media: { zh: '无音视频（无人发布）', en: 'No media published' },
  worker_died: { zh: '媒体服务进程中断', en: 'Media worker died' },
  producer_closed: { zh: '音视频源关闭', en: 'A media source closed' },
  router_closed: { zh: '媒体路由关闭', en: 'Media router closed' },
  recorder_failed: { zh: '录制程序故障', en: 'Recorder failed' },
};
