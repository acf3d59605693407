// Reference client shell: sign-in, first-password change, and the landing page of each role.
// Plain browser JavaScript (no build step); the live classroom adds mediasoup-client pages later.
(() => {
  const api = '/api/v1';
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem('accessToken');
  let currentPassword = null;

  async function call(method, path, body) {
    const res = await fetch(api + path, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw Object.assign(new Error(data?.message?.zh ?? res.statusText), { data });
    return data;
  }
  const showError = (form, err) => {
    const p = form.querySelector('.error');
    const problems = err.data?.details?.problems?.map((x) => `${x.zh} / ${x.en}`).join('；') ?? '';
    p.textContent = `${err.data?.message?.zh ?? err.message} · ${err.data?.message?.en ?? ''} ${problems}`;
    p.hidden = false;
  };
  const show = (id) => ['login', 'change-password', 'home'].forEach((x) => ($(x).hidden = x !== id));

  const ROLE_NAMES = {
    platform_admin: '平台管理员 Platform admin',
    institution_admin: '机构管理员 Institution admin',
    class_manager: '班主任 Class manager',
    instructor: '教员 Instructor',
    trainee: '学员 Trainee',
    maritime_officer: '海事检查员 Maritime officer',
  };

  async function home() {
    const me = await call('GET', '/auth/me');
    if (me.mustChangePassword) return show('change-password');
    $('greeting').textContent = `您好，${me.displayName}`;
    $('roles').textContent = me.roles.map((r) => ROLE_NAMES[r] ?? r).join('、');
    const links = $('links');
    links.replaceChildren();
    const add = (text, href) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.textContent = text;
      a.href = href;
      li.append(a);
      links.append(li);
    };
    add('接口文档 API documentation', '/docs');
    show('home');
  }

  $('login').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const pair = await call('POST', '/auth/login', {
        username: f.get('username'),
        password: f.get('password'),
      });
      token = pair.accessToken;
      currentPassword = f.get('password');
      sessionStorage.setItem('accessToken', token);
      await home();
    } catch (err) {
      showError(e.target, err);
    }
  });
  $('change-password').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await call('POST', '/auth/password', {
        currentPassword,
        newPassword: new FormData(e.target).get('newPassword'),
      });
      await home();
    } catch (err) {
      showError(e.target, err);
    }
  });
  const leave = async (path) => {
    await call('POST', path).catch(() => {});
    token = null;
    sessionStorage.removeItem('accessToken');
    show('login');
  };
  $('logout').addEventListener('click', () => leave('/auth/logout'));
  $('logout-all').addEventListener('click', () => leave('/auth/logout-all'));

  if (token) home().catch(() => show('login'));
  else show('login');
})();
