/** JS-A: the pre-class device and network check page. */
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const api = '/api/v1';
const auth = () => ({ authorization: `Bearer ${sessionStorage.getItem('accessToken') ?? ''}` });

async function measureDown(): Promise<number> {
  const bytes = 4 * 1024 * 1024;
  const start = performance.now();
  const res = await fetch(`${api}/network-check/download?bytes=${bytes}`, {
    headers: auth(),
    cache: 'no-store',
  });
  const got = (await res.arrayBuffer()).byteLength;
  return (got * 8) / ((performance.now() - start) / 1000) / 1e6;
}

async function measureUp(): Promise<number> {
  const body = new Uint8Array(2 * 1024 * 1024);
  crypto.getRandomValues(body.subarray(0, 65536));
  const start = performance.now();
  await fetch(`${api}/network-check/upload`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/octet-stream' },
    body,
  });
  return (body.byteLength * 8) / ((performance.now() - start) / 1000) / 1e6;
}

interface Result {
  canJoin: boolean;
  meetsRecommendation: boolean;
  items: Array<{ id: string; status: 'ok' | 'warn' | 'fail'; message: { zh: string; en: string } }>;
}

async function run() {
  $('status').textContent = '正在检测… Checking…';
  let hasCamera = false;
  let hasMic = false;
  try {
    const stream = await navigator.mediaDevices
      .getUserMedia({ video: true, audio: true })
      .catch(() => navigator.mediaDevices.getUserMedia({ audio: true }));
    hasCamera = stream.getVideoTracks().some((t) => t.readyState === 'live');
    hasMic = stream.getAudioTracks().some((t) => t.readyState === 'live');
    ($('preview') as HTMLVideoElement).srcObject = stream;
  } catch {
    // No devices at all, or permission refused: reported below as missing.
  }
  const [downMbps, upMbps] = [await measureDown(), await measureUp()];
  const res = await fetch(`${api}/device-check`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify({ hasCamera, hasMic, downMbps, upMbps }),
  });
  const result = (await res.json()) as Result;
  const list = $('results');
  list.replaceChildren(
    ...result.items.map((i) => {
      const li = document.createElement('li');
      li.className = i.status;
      li.dataset.check = i.id;
      li.textContent = `${i.status === 'ok' ? '✔' : i.status === 'warn' ? '!' : '✘'} ${i.message.zh} · ${i.message.en}`;
      return li;
    }),
  );
  $('status').textContent = result.canJoin
    ? result.meetsRecommendation
      ? '设备与网络符合要求，可以上课 · Ready for class'
      : '可以上课，但部分指标低于建议值 · You can join; some figures are below the recommendation'
    : '不符合上课要求，请按提示处理 · Not ready: fix the items marked ✘';
  (window as unknown as { __deviceCheck: Result }).__deviceCheck = result;
}

$('run').addEventListener('click', () => void run());
void run();
