import { Type, type Static } from '@sinclair/typebox';

/** Every error code the platform answers with, with its default zh-CN / English message. */
export const ERROR_MESSAGES = {
  VALIDATION: { zh: '请求内容不符合要求', en: 'The request is not valid' },
  MALFORMED_JSON: { zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { zh: '不支持的内容类型', en: 'Unsupported content type' },
  PAYLOAD_TOO_LARGE: { zh: '请求内容过大', en: 'The request body is too large' },
  UNAUTHENTICATED: { zh: '请先登录', en: 'Sign-in required' },
  TOKEN_INVALID: { zh: '登录凭证无效', en: 'The access token is invalid' },
  TOKEN_EXPIRED: { zh: '登录已过期，请重新登录', en: 'The access token has expired' },
  SESSION_ENDED: {
    zh: '此会话已结束（可能已在其他设备登录）',
    en: 'This session has ended (possibly signed in elsewhere)',
  },
  INVALID_CREDENTIALS: { zh: '用户名或密码错误', en: 'Wrong username or password' },
  ACCOUNT_LOCKED: {
    zh: '登录失败次数过多，账户已暂时锁定',
    en: 'Too many failed sign-ins; the account is temporarily locked',
  },
  ACCOUNT_DISABLED: { zh: '账户已停用', en: 'The account is disabled' },
  PASSWORD_CHANGE_REQUIRED: {
    zh: '首次登录须先修改密码',
    en: 'You must change your password before continuing',
  },
  WEAK_PASSWORD: { zh: '密码强度不足', en: 'The password is too weak' },
  REFRESH_TOKEN_REUSED: {
    zh: '刷新凭证已被使用，会话已为安全起见终止',
    en: 'The refresh token was already used; the session has been ended for safety',
  },
  FORBIDDEN: { zh: '无权执行此操作', en: 'You are not allowed to do this' },
  NOT_FOUND: { zh: '未找到', en: 'Not found' },
  ROUTE_NOT_FOUND: { zh: '接口不存在', en: 'No such endpoint' },
  CONFLICT: { zh: '与现有数据冲突', en: 'Conflicts with existing data' },
  PRECONDITION_FAILED: { zh: '不满足前提条件', en: 'A precondition is not met' },
  DEADLINE_PASSED: { zh: '已超过规定期限', en: 'The deadline has passed' },
  CAPACITY_EXCEEDED: { zh: '超出核定规模', en: 'The licensed capacity would be exceeded' },
  NOT_QUALIFIED_ONLINE: {
    zh: '培训机构不具备线上培训资格',
    en: 'The institution is not qualified for online training',
  },
  ITEM_NOT_LICENSED: {
    zh: '该培训项目不在培训许可范围内',
    en: 'The training item is not covered by a valid licence',
  },
  PRACTICAL_ITEM_NOT_ONLINE: {
    zh: '实操类培训项目不得线上开展',
    en: 'Practical training items cannot be taught online',
  },
  INSTRUCTOR_UNQUALIFIED: {
    zh: '教员从事船员培训教学不满 3 年，须经说明理由的特批',
    en: 'The instructor has under 3 years of seafarer-training teaching; an explicit override with a reason is required',
  },
  ROSTER_INVALID: {
    zh: '名册有错误，未导入任何记录，请按逐行错误修改后重新导入',
    en: 'The roster has errors; nothing was imported. Fix the rows listed and import again',
  },
  SPREADSHEET_INVALID: { zh: '无法读取该表格文件', en: 'The spreadsheet cannot be read' },
  CLASS_NOT_CONFIRMED: {
    zh: '该班级尚未经海事管理机构开班确认，不能开课',
    en: 'The maritime authority has not confirmed this class; it cannot run',
  },
  OUTSIDE_TIMETABLE: { zh: '不在课表规定的上课时间内', en: 'Outside the timetabled session time' },
  ROOM_ON_OTHER_NODE: {
    zh: '本次课由另一台直播服务器承载，请连接该服务器',
    en: 'This session is hosted on another live server; connect to that one',
  },
  NOT_ON_ROSTER: { zh: '不在本班学员名册中', en: 'Not on the roster of this class' },
  REPLAY_NOT_YOURS: {
    zh: '此回放链接是发给其他人或其他浏览器的，请登录后自行打开回放',
    en: 'This replay link was issued to someone else or another browser; sign in and open the replay yourself',
  },
  INVALID_IMAGE: { zh: '图片格式无效（仅支持 JPEG、PNG）', en: 'Invalid image (JPEG or PNG only)' },
  RATE_LIMITED: { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  INTERNAL: { zh: '服务器内部错误', en: 'Internal server error' },
  /** REL-2: a dependency (Redis, PostgreSQL) is unreachable for a moment; the client retries. */
  SERVICE_UNAVAILABLE: {
    zh: '服务暂时不可用，请稍后重试',
    en: 'The service is briefly unavailable; please retry',
  },
} as const satisfies Record<string, { zh: string; en: string }>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export const LocalizedText = Type.Object({ zh: Type.String(), en: Type.String() });
export type LocalizedText = Static<typeof LocalizedText>;

/** The one error shape of every HTTP answer >= 400. */
export const ErrorBody = Type.Object(
  {
    code: Type.String(),
    message: LocalizedText,
    requestId: Type.String(),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBody>;
