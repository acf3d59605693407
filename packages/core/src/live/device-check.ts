import type { LocalizedText } from '@seafarer/contracts';

/** JS-A (the rules' equipment annex): what a device must have and should reach. */
export const RECOMMENDED_TRAINEE_DOWN_MBPS = 20;
export const RECOMMENDED_INSTRUCTOR_UP_MBPS = 20;
/** Below these, live video will not hold up at all (one 720p stream down, one 360p simulcast up). */
export const MINIMUM_DOWN_MBPS = 2;
export const MINIMUM_UP_MBPS = 1;

export interface DeviceFacts {
  role: 'trainee' | 'instructor' | 'class_manager' | 'maritime_officer';
  hasCamera: boolean;
  hasMic: boolean;
  downMbps: number;
  upMbps: number;
}

export interface DeviceCheckItem {
  id: 'camera' | 'microphone' | 'downstream' | 'upstream';
  status: 'ok' | 'warn' | 'fail';
  message: LocalizedText;
}

const mbps = (n: number) => (Math.round(n * 10) / 10).toString();

/** Tells a person, in plain zh-CN and English, whether their device and link meet the rules. */
export function assessDevice(f: DeviceFacts): {
  canJoin: boolean;
  meetsRecommendation: boolean;
  items: DeviceCheckItem[];
} {
  const publishes = f.role === 'trainee' || f.role === 'instructor';
  const items: DeviceCheckItem[] = [];
  if (publishes) {
    items.push(
      f.hasCamera
        ? { id: 'camera', status: 'ok', message: { zh: '摄像头可用', en: 'Camera works' } }
        : {
            id: 'camera',
            status: 'fail',
            message: {
              zh: '未检测到摄像头：按规定上课必须开启摄像头',
              en: 'No camera found: the rules require your camera on in class',
            },
          },
      f.hasMic
        ? { id: 'microphone', status: 'ok', message: { zh: '麦克风可用', en: 'Microphone works' } }
        : {
            id: 'microphone',
            status: 'fail',
            message: {
              zh: '未检测到麦克风：按规定上课必须有麦克风',
              en: 'No microphone found: the rules require a microphone in class',
            },
          },
    );
  }
  const down = f.downMbps;
  items.push(
    down >= RECOMMENDED_TRAINEE_DOWN_MBPS
      ? {
          id: 'downstream',
          status: 'ok',
          message: {
            zh: `下行带宽 ${mbps(down)} Mbps，达到建议的 ${RECOMMENDED_TRAINEE_DOWN_MBPS} Mbps`,
            en: `Download ${mbps(down)} Mbps meets the recommended ${RECOMMENDED_TRAINEE_DOWN_MBPS} Mbps`,
          },
        }
      : down >= MINIMUM_DOWN_MBPS
        ? {
            id: 'downstream',
            status: 'warn',
            message: {
              zh: `下行带宽 ${mbps(down)} Mbps，低于建议的 ${RECOMMENDED_TRAINEE_DOWN_MBPS} Mbps，画面可能降级`,
              en: `Download ${mbps(down)} Mbps is below the recommended ${RECOMMENDED_TRAINEE_DOWN_MBPS} Mbps; video may be reduced`,
            },
          }
        : {
            id: 'downstream',
            status: 'fail',
            message: {
              zh: `下行带宽仅 ${mbps(down)} Mbps，无法正常听课，请更换网络`,
              en: `Download only ${mbps(down)} Mbps: too slow for class; change network`,
            },
          },
  );
  if (publishes) {
    const up = f.upMbps;
    const target = f.role === 'instructor' ? RECOMMENDED_INSTRUCTOR_UP_MBPS : MINIMUM_UP_MBPS * 2;
    items.push(
      up >= target
        ? {
            id: 'upstream',
            status: 'ok',
            message: {
              zh: `上行带宽 ${mbps(up)} Mbps，满足要求`,
              en: `Upload ${mbps(up)} Mbps is sufficient`,
            },
          }
        : up >= MINIMUM_UP_MBPS
          ? {
              id: 'upstream',
              status: 'warn',
              message: {
                zh: `上行带宽 ${mbps(up)} Mbps，低于建议的 ${target} Mbps`,
                en: `Upload ${mbps(up)} Mbps is below the recommended ${target} Mbps`,
              },
            }
          : {
              id: 'upstream',
              status: 'fail',
              message: {
                zh: `上行带宽仅 ${mbps(up)} Mbps，无法上传视频，请更换网络`,
                en: `Upload only ${mbps(up)} Mbps: your video cannot be sent; change network`,
              },
            },
    );
  }
  return {
    canJoin: items.every((i) => i.status !== 'fail'),
    meetsRecommendation: items.every((i) => i.status === 'ok'),
    items,
  };
}
