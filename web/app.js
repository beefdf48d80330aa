// scamdex look-up page: plain JavaScript, no framework, no build step.
// Talks to the JSON API of 'scamdex serve' with the bearer token typed in
// (kept for this tab only, in sessionStorage).
'use strict';

const T = {
  vi: {
    tagline: 'Tra cứu số điện thoại, tài khoản, mã VietQR, tài khoản mạng xã hội, đường link đã bị tố giác',
    token: 'Mã truy cập', signin: 'Đăng nhập',
    ask: 'Số điện thoại, số tài khoản, mã VietQR, tài khoản chat hoặc đường link',
    placeholder: 'VD: 038 555 1234, VCB 1012555888, @thamtu_abc',
    check: 'Kiểm tra', qr: 'Hoặc tải ảnh mã QR:',
    ambiguous: 'Dãy số này có thể là số điện thoại hoặc số tài khoản:',
    as_phone: 'Số điện thoại', as_account: 'Số tài khoản',
    graph: 'Xem sơ đồ liên kết', graph_title: 'Sơ đồ liên kết',
    reports: 'Các tố giác', h_date: 'Ngày', h_agency: 'Cơ quan', h_case: 'Số hồ sơ',
    h_category: 'Loại', h_state: 'Trạng thái', h_origin: 'Nguồn',
    footer: 'Mọi lượt tra cứu đều được ghi nhật ký.',
    v_reported: 'CẢNH BÁO: ĐÃ BỊ TỐ GIÁC LỪA ĐẢO',
    v_official: 'SỐ CHÍNH THỨC CỦA CƠ QUAN, NGÂN HÀNG',
    v_retracted: 'Tố giác đã được rút lại',
    v_unknown: 'Chưa có tố giác nào',
    advice_reported: 'Không chuyển tiền. Báo ngay cho cán bộ phụ trách.',
    advice_official: 'Số này là số chính thức; nếu có tố giác, có thể bị giả mạo.',
    advice_unknown: 'Chưa có tố giác không có nghĩa là an toàn.',
    grade: 'Mức rủi ro', n_reports: 'Số tố giác', agencies: 'Số cơ quan tố giác',
    last_seen: 'Lần gần nhất', windows: '3 ngày / 30 ngày / 6 tháng',
    categories: 'Hình thức', confirmation: 'Xác nhận', disputed: 'Đang khiếu nại',
    bank: 'Ngân hàng', kind: 'Loại', retracted_n: 'đã rút',
    also: 'Cách hiểu khác', via: 'Qua tên miền cha',
    g_none: 'không', g_low: 'thấp', g_medium: 'trung bình', g_high: 'cao', g_very_high: 'rất cao',
    c_reported: 'mới tố giác', c_police: 'công an xác nhận', c_court: 'tòa án xác nhận',
    s_active: 'hiệu lực', s_retracted: 'đã rút', s_disputed: 'đang khiếu nại', s_resolved: 'khiếu nại đã giải quyết',
    k_phone: 'số điện thoại', k_bank: 'tài khoản ngân hàng', k_account: 'số tài khoản',
    k_iban: 'IBAN', k_handle: 'tài khoản mạng xã hội', k_domain: 'tên miền',
    no_token: 'Hãy nhập mã truy cập trước.', bad_token: 'Mã truy cập không đúng hoặc đã bị thu hồi.',
    rate: 'Tra cứu quá nhanh; thử lại sau {s} giây.', no_qr: 'Không tìm thấy mã QR trong ảnh.',
    role: 'Vai trò', bank_view: '(chế độ ngân hàng)', none: 'Không có tố giác nào bạn được xem.'
  },
  en: {
    tagline: 'Look up phone numbers, accounts, VietQR codes, chat handles and links reported in scams',
    token: 'Access token', signin: 'Sign in',
    ask: 'Phone number, account number, VietQR code, chat handle or link',
    placeholder: 'e.g. 038 555 1234, VCB 1012555888, @thamtu_abc',
    check: 'Check', qr: 'Or upload a QR code image:',
    ambiguous: 'This number could be a phone number or an account number:',
    as_phone: 'Phone number', as_account: 'Account number',
    graph: 'Show the links graph', graph_title: 'Links graph',
    reports: 'Reports', h_date: 'Date', h_agency: 'Agency', h_case: 'Case',
    h_category: 'Category', h_state: 'State', h_origin: 'Origin',
    footer: 'Every look-up is recorded in the audit log.',
    v_reported: 'WARNING: REPORTED IN SCAMS',
    v_official: 'OFFICIAL NUMBER OF AN AGENCY OR BANK',
    v_retracted: 'Reports were retracted',
    v_unknown: 'Not reported',
    advice_reported: 'Do not transfer money. Tell your supervisor now.',
    advice_official: 'This is an official identifier; reports naming it may be spoofing.',
    advice_unknown: 'Not reported does not mean safe.',
    grade: 'Risk', n_reports: 'Reports', agencies: 'Reporting agencies',
    last_seen: 'Last seen', windows: '3 days / 30 days / 6 months',
    categories: 'Kinds', confirmation: 'Confirmation', disputed: 'Disputed',
    bank: 'Bank', kind: 'Kind', retracted_n: 'retracted',
    also: 'Also read as', via: 'Through the parent domain',
    g_none: 'none', g_low: 'low', g_medium: 'medium', g_high: 'high', g_very_high: 'very high',
    c_reported: 'reported', c_police: 'confirmed by police', c_court: 'confirmed by a court',
    s_active: 'active', s_retracted: 'retracted', s_disputed: 'disputed', s_resolved: 'dispute resolved',
    k_phone: 'phone number', k_bank: 'bank account', k_account: 'account number',
    k_iban: 'IBAN', k_handle: 'chat handle', k_domain: 'domain',
    no_token: 'Enter an access token first.', bad_token: 'The access token is wrong or revoked.',
    rate: 'Too many look-ups; try again in {s} s.', no_qr: 'No QR code found in the image.',
    role: 'Role', bank_view: '(bank view)', none: 'No report you may see.',
    cat: {
      none: 'Unknown', extortion: 'Extortion', impersonation_police: 'Police impersonation',
      impersonation_journalist: 'Journalist impersonation', impersonation_detective: 'Detective impersonation',
      impersonation_bank: 'Bank impersonation', impersonation_official: 'Official impersonation',
      investment: 'Investment scam', romance: 'Romance scam', job: 'Job scam',
      loan: 'Loan scam', shopping: 'Shopping scam', phishing: 'Phishing', malware: 'Malware', other: 'Other'
    }
  }
};

let lang = 'vi';
let last = null; // { result, reports, bank }
const $ = (id) => document.getElementById(id);
const t = (k) => T[lang][k] !== undefined ? T[lang][k] : k;

function text(el, s) { el.textContent = s == null ? '' : String(s); }

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-t]').forEach((el) => text(el, t(el.dataset.t)));
  $('q').placeholder = t('placeholder');
  $('lang-vi').setAttribute('aria-pressed', String(lang === 'vi'));
  $('lang-en').setAttribute('aria-pressed', String(lang === 'en'));
  if (last) render(last);
  whoami();
}

function token() { return sessionStorage.getItem('scamdex-token') || ''; }

async function api(path, opts = {}) {
  const headers = Object.assign({ Authorization: 'Bearer ' + token() }, opts.headers || {});
  const res = await fetch(path, Object.assign({}, opts, { headers }));
  if (res.status === 401) throw new Error(t('bad_token'));
  if (res.status === 429) throw new Error(t('rate').replace('{s}', res.headers.get('Retry-After') || '1'));
  return res;
}

async function apiJson(path, opts) {
  const res = await api(path, opts);
  const body = await res.json();
  if (!res.ok) {
    const e = new Error(body.error ? body.error.message : res.statusText);
    e.code = body.error && body.error.code;
    throw e;
  }
  return body;
}

function showError(msg) {
  const el = $('error');
  text(el, msg);
  el.hidden = !msg;
}

async function whoami() {
  if (!token()) { text($('whoami'), ''); return; }
  try {
    const w = await apiJson('/v1/whoami');
    text($('whoami'), `${w.name} — ${t('role')}: ${w.role} ${w.audience === 'bank' ? t('bank_view') : ''}`);
  } catch (e) { text($('whoami'), e.message); }
}

function fact(dl, label, value) {
  const dt = document.createElement('dt');
  const dd = document.createElement('dd');
  text(dt, label);
  text(dd, value);
  dl.append(dt, dd);
}

function render(st) {
  const r = st.result;
  const card = $('card');
  card.hidden = false;
  card.className = 'v-' + r.verdict;
  text($('verdict'), t('v_' + r.verdict));
  let ident = r.canonical;
  if (r.kind === 'bank' && r.canonical.includes(':')) ident = r.canonical.split(':')[1];
  text($('ident'), ident);
  text($('kind'), t('k_' + r.kind));
  text($('bank'), st.bank ? `${t('bank')}: ${st.bank.short_name}${st.bank.name ? ' — ' + st.bank.name : ''}` : '');
  const dl = $('facts');
  dl.replaceChildren();
  const advice = { reported: 'advice_reported', official: 'advice_official' }[r.verdict] || 'advice_unknown';
  fact(dl, '⚠', t(advice));
  if (r.via) fact(dl, t('via'), r.via);
  // a bare number is read both ways: the other readings, each with its verdict
  for (const other of (r.interpretations || []).slice(1)) {
    fact(dl, t('also'), `${t('k_' + other.kind)} ${other.canonical}: ${t('v_' + other.verdict)}`);
  }
  if (r.reports || r.retracted) {
    fact(dl, t('grade'), t('g_' + r.grade));
    fact(dl, t('n_reports'), r.reports + (r.retracted ? ` (${r.retracted} ${t('retracted_n')})` : ''));
    fact(dl, t('agencies'), r.agencies);
    if (r.categories.length) fact(dl, t('categories'), r.categories.map((c, i) => catLabel(c, (r.categories_vi || [])[i])).join(', '));
    if (r.last_seen) fact(dl, t('last_seen'), r.last_seen);
    fact(dl, t('windows'), `${r.last_3d} / ${r.last_30d} / ${r.last_6m}`);
    if (r.confirmation) fact(dl, t('confirmation'), t('c_' + r.confirmation));
    if (r.disputed) fact(dl, t('disputed'), r.disputed);
  }
  const rows = $('report-rows');
  rows.replaceChildren();
  const reps = st.reports || [];
  $('reports').hidden = !(r.reports || r.retracted) || !st.reports;
  for (const rep of reps) {
    const tr = document.createElement('tr');
    const cells = [rep.incident_date || rep.received_date || '', rep.agency || '', rep.case_ref || '',
      rep.category ? catLabel(rep.category, rep.category_vi) : '', stateText(rep), rep.origin || ''];
    for (const c of cells) { const td = document.createElement('td'); text(td, c); tr.append(td); }
    rows.append(tr);
  }
  if (st.reports && !reps.length) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 6;
    text(td, t('none'));
    tr.append(td);
    rows.append(tr);
  }
}

// A category as people read it: in Vietnamese the vocabulary's label,
// which the API sends beside the name (categories_vi, category_vi).
function catLabel(name, vi) {
  if (lang === 'vi' && vi) return vi;
  return T.en.cat[name] || name;
}

// A report's state; a resolved dispute stays visible as history:
// "active; dispute resolved 2026-11-12 (Viettel 2026-11-10)".
function stateText(rep) {
  const d = rep.dispute;
  if (!d || d.state !== 'resolved') return t('s_' + rep.state);
  const who = [d.by, d.date].filter(Boolean).join(' ');
  return `${t('s_' + rep.state)}; ${t('s_resolved')} ${d.resolved_date || ''}` +
    (who ? ` (${who})` : '');
}

async function enrich(result) {
  const st = { result, reports: null, bank: null };
  if (result.kind === 'bank') {
    const bin = result.canonical.split(':')[0];
    try { st.bank = await apiJson('/v1/bank?bin=' + encodeURIComponent(bin)); } catch (e) { /* name unknown */ }
  }
  if (result.reports || result.retracted) {
    try {
      const q = `q=${encodeURIComponent(result.canonical)}&kind=${encodeURIComponent(result.kind)}`;
      st.reports = (await apiJson('/v1/show?' + q)).reports;
    } catch (e) { st.reports = null; }
  }
  return st;
}

// A look-up begins: no error, no graph; false (and said) without a token.
function begin() {
  showError('');
  $('graph').hidden = true;
  if (token()) return true;
  showError(t('no_token'));
  return false;
}

// The service's answer shown, with its bank and reports (enrich); kept
// in last for the language switch and the links graph.
async function show(result) {
  last = await enrich(result);
  render(last);
}

async function check(q, kind) {
  $('ambiguous').hidden = true;
  if (!begin()) return;
  try {
    await show(await apiJson(`/v1/check?q=${encodeURIComponent(q)}${kind ? '&kind=' + kind : ''}`));
  } catch (e) {
    $('card').hidden = true;
    $('reports').hidden = true;
    if (e.code === 'invalid_identifier' && /ambiguous/.test(e.message)) $('ambiguous').hidden = false;
    else showError(e.message);
  }
}

async function showGraph() {
  if (!last) return;
  const r = last.result;
  try {
    const res = await api(`/v1/links?q=${encodeURIComponent(r.canonical)}&kind=${r.kind}&format=svg`);
    if (!res.ok) throw new Error((await res.json()).error.message);
    const blob = await res.blob();
    const img = $('graph-img');
    if (img.src) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(blob);
    img.alt = t('graph_title');
    $('graph').hidden = false;
  } catch (e) { showError(e.message); }
}

// The browser decodes the image; the service gets grey pixels and finds
// the QR code with libzbar.
async function uploadQr(file) {
  if (!begin()) return;
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, 2048 / Math.max(bmp.width, bmp.height));
    const w = Math.max(1, Math.round(bmp.width * scale));
    const h = Math.max(1, Math.round(bmp.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(bmp, 0, 0, w, h);
    const px = ctx.getImageData(0, 0, w, h).data;
    const grey = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) grey[i] = (px[4 * i] * 299 + px[4 * i + 1] * 587 + px[4 * i + 2] * 114) / 1000;
    const out = await apiJson(`/v1/qr?w=${w}&h=${h}`, {
      method: 'POST', body: grey, headers: { 'Content-Type': 'application/octet-stream' }
    });
    const code = out.codes.find((c) => c.verdict) || out.codes[0];
    if (!code) { showError(t('no_qr')); return; }
    if (code.error) { showError(code.error); return; }
    await show(code);
    // the account as a teller would type it: the bank's name, not its BIN
    const acct = code.canonical.includes(':') ? code.canonical.split(':')[1] : code.canonical;
    $('q').value = last.bank ? `${last.bank.short_name} ${acct}` : acct;
  } catch (e) { showError(e.message); }
}

document.addEventListener('DOMContentLoaded', () => {
  const saved = localStorage.getItem('scamdex-lang');
  if (saved === 'en' || saved === 'vi') lang = saved;
  applyLang();
  $('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem('scamdex-token', $('token').value.trim());
    $('token').value = '';
    whoami();
  });
  $('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = $('q').value.trim();
    if (q) check(q, null);
  });
  $('as-phone').addEventListener('click', () => check($('q').value.trim(), 'phone'));
  $('as-account').addEventListener('click', () => check($('q').value.trim(), 'account'));
  $('show-graph').addEventListener('click', showGraph);
  $('qr-file').addEventListener('change', (ev) => { if (ev.target.files[0]) uploadQr(ev.target.files[0]); });
  for (const l of ['vi', 'en']) {
    $('lang-' + l).addEventListener('click', () => { lang = l; localStorage.setItem('scamdex-lang', l); applyLang(); });
  }
});
