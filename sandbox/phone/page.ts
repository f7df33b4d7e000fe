// The customer's phone (docs/protocols/README.md S2, `GET /sandbox/phone`): a self-contained page — inline
// CSS and vanilla JS, no build step — that mints a one-time code through a provider's
// control API, shows it as a QR (SVG rendered here with `qrcode`) and as digits with its
// remaining lifetime, and sets how the next payment ends by posting a one-time fault rule.
// A provider whose customer acts on merchant-presented payments answers
// `GET <prefix>/_control/customer/pending` with `{ items: [{ id, ru, en, detail?, actions:
// [{ ru, en, body }] }], cabinet?: [same as items], codeEntry?: { ru, en, actions } }`; the page lists those
// (`cabinet`: the merchant's own actions, e.g. O!plati's token reset, after the customer's) with buttons
// that post `body` to `customer/act` (code entry adds `code` to the body). Others answer 404
// and the section stays hidden.

import QRCode from 'qrcode'
import type { PhoneCodeKind, PhoneOutcome } from '../core/types.ts'

export interface PhoneProvider {
  id: string
  title: string
  outcomes: PhoneOutcome[]
  /** Which app's code to show, when the provider has more than one (Sendy: Sendy or WeChat). */
  codeKinds?: PhoneCodeKind[]
}

/** The QR as an SVG document. Error correction M: what wallet apps commonly use for payment codes. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#111111', light: '#ffffff' } })
}

/** JSON inside a <script> element: `<` escaped so no text can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c')
}

export function phonePage(providers: PhoneProvider[]): string {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>Телефон покупателя · Paydesk sandbox</title>
<style>
  :root { --bg:#f3f4f6; --card:#fff; --ink:#111827; --muted:#6b7280; --line:#e5e7eb; --accent:#0f766e; --accent-ink:#fff; --warn:#b45309; --bad:#b91c1c; }
  * { box-sizing:border-box; }
  body { margin:0; background:var(--bg); color:var(--ink); font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
  main { max-width:420px; margin:0 auto; padding:16px 16px 40px; }
  h1 { font-size:20px; margin:4px 0 2px; }
  h2 { font-size:15px; margin:0 0 10px; }
  .en { display:block; color:var(--muted); font-size:12px; font-weight:400; }
  .card { background:var(--card); border-radius:16px; padding:16px; margin-top:14px; box-shadow:0 1px 2px rgba(0,0,0,.06); }
  label.field { display:block; font-size:14px; }
  select { width:100%; margin-top:6px; padding:10px; font-size:16px; border:1px solid var(--line); border-radius:10px; background:#fff; }
  button.primary { width:100%; padding:14px; font-size:17px; font-weight:600; border:0; border-radius:12px; background:var(--accent); color:var(--accent-ink); cursor:pointer; }
  button.primary:disabled { opacity:.6; }
  button.primary .en { color:rgba(255,255,255,.8); }
  .qr { text-align:center; }
  .qr img { width:100%; max-width:280px; aspect-ratio:1; image-rendering:pixelated; border-radius:8px; }
  .digits { font:600 clamp(15px, 5.2vw, 22px)/1.2 ui-monospace,SFMono-Regular,Menlo,monospace; letter-spacing:.5px; white-space:nowrap; margin:8px 0 4px; user-select:all; }
  .bar { height:6px; background:var(--line); border-radius:3px; overflow:hidden; margin:8px 0 4px; }
  .bar > div { height:100%; background:var(--accent); transition:width .25s linear; }
  .ttl { font-size:14px; }
  .expired .bar > div { background:var(--bad); }
  .expired .ttl { color:var(--bad); }
  .expired img { opacity:.25; }
  .placeholder { color:var(--muted); padding:28px 0; }
  .chips { display:grid; grid-template-columns:1fr 1fr; gap:8px; }
  .chip { position:relative; }
  .chip input { position:absolute; opacity:0; width:1px; height:1px; margin:0; pointer-events:none; }
  .chip span { display:block; height:100%; padding:10px; border:1px solid var(--line); border-radius:10px; font-size:14px; cursor:pointer; }
  .chip input:checked + span { border-color:var(--accent); background:#ecfdf5; box-shadow:inset 0 0 0 1px var(--accent); }
  .chip input:focus-visible + span { outline:2px solid var(--accent); }
  .note { font-size:13px; color:var(--muted); margin-top:10px; min-height:1.4em; }
  .note.err { color:var(--bad); }
  ul.pays { list-style:none; padding:0; margin:0; }
  ul.pays li { display:flex; justify-content:space-between; gap:8px; padding:8px 0; border-top:1px solid var(--line); font-size:14px; }
  ul.pays li:first-child { border-top:0; }
  .state { color:var(--muted); text-align:right; }
  .digits.text { white-space:normal; word-break:break-all; font-size:14px; }
  .acts { display:flex; flex-wrap:wrap; gap:6px; margin-top:6px; }
  .acts button { padding:8px 10px; font-size:14px; border:1px solid var(--line); border-radius:10px; background:#fff; cursor:pointer; }
  .detail { display:block; color:var(--muted); font-size:12px; word-break:break-all; }
  input.code { width:100%; padding:10px; font-size:20px; letter-spacing:4px; border:1px solid var(--line); border-radius:10px; margin-top:6px; }
</style>
</head>
<body>
<main>
  <h1>Телефон покупателя <span class="en">Customer's phone · Paydesk sandbox</span></h1>

  <section class="card">
    <label class="field">Платёжная система <span class="en">Provider</span>
      <select id="provider"></select>
    </label>
  </section>

  <section class="card qr" id="qrCard">
    <label class="field" id="kindField" hidden>Приложение <span class="en">App</span>
      <select id="codeKind"></select>
    </label>
    <div class="placeholder" id="qrEmpty">QR-кода пока нет<span class="en">No code yet</span></div>
    <div id="qrShown" hidden>
      <img id="qrImg" alt="QR">
      <div class="digits" id="digits"></div>
      <div class="bar"><div id="barFill"></div></div>
      <div class="ttl" id="ttl"></div>
    </div>
    <p style="margin:14px 0 0"><button class="primary" id="mint">Показать новый QR<span class="en">Show a new QR</span></button></p>
    <div class="note" id="mintNote"></div>
  </section>

  <section class="card">
    <h2>Как закончится следующий платёж <span class="en">How the next payment ends</span></h2>
    <div class="chips" id="outcomes" role="radiogroup"></div>
    <div class="note" id="ruleNote"></div>
  </section>

  <section class="card" id="actCard" hidden>
    <h2>Действия покупателя <span class="en">Customer actions</span></h2>
    <ul class="pays" id="actItems"></ul>
    <div id="codeBox" hidden>
      <label class="field"><span id="codeLabel"></span><input class="code" id="codeInput" inputmode="numeric" autocomplete="off"></label>
      <div class="acts" id="codeActs"></div>
    </div>
    <div class="note" id="actNote"></div>
  </section>

  <section class="card">
    <h2>Последние платежи <span class="en">Recent payments</span></h2>
    <ul class="pays" id="pays"><li class="state">—</li></ul>
  </section>
</main>
<script id="providers" type="application/json">${scriptJson(providers)}</script>
<script>
(function () {
  'use strict';
  var providers = JSON.parse(document.getElementById('providers').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var current = providers[0];
  var ruleId = null, ruleLabel = null, countdown = null;
  var STATES = {
    PAID: 'Оплачен · paid', AWAITING_CONFIRM: 'Ждёт подтверждения · awaiting confirm', PROCESSING: 'В обработке · processing',
    AUTO_CANCELLED: 'Отменён: не подтверждён · auto-cancelled', REVERSED: 'Возвращён · reversed', FAILED: 'Отклонён · failed',
    IN_PROGRESS: 'Ждёт подтверждения · in progress', OK: 'Оплачен · paid', DECLINE: 'Отказ · declined', NOT_ENOUGH: 'Недостаточно средств · not enough',
    TIMEOUT: 'Не подтверждён · timeout', TECHNICAL_CANCELLING: 'Отменён кассой · cancelled',
    SUCCESS: 'Оплачен · paid', NOTPAY: 'Ждёт сканирования · not paid', USERPAYING: 'Ждёт подтверждения · user paying', CLOSED: 'Закрыт · closed',
    REVOKED: 'Отменён · revoked', PAYERROR: 'Отказ · pay error', REFUND: 'Возвращён · refunded'
  };

  function base() { return '/sandbox/' + encodeURIComponent(current.id) + '/_control/'; }
  function api(path, method, body) {
    return fetch(base() + path, {
      method: method || 'GET',
      // The control API takes only JSON with its own header.
      headers: { 'Content-Type': 'application/json', 'X-Paydesk-Sandbox': '1' },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (t) {
        var data = t ? JSON.parse(t) : null;
        if (!r.ok) throw new Error((data && data.error) || ('HTTP ' + r.status));
        return data;
      });
    });
  }
  function note(el, text, isErr) { el.textContent = text; el.className = 'note' + (isErr ? ' err' : ''); }
  function group(code) { return code.replace(/(\\d{3})(?=\\d)/g, '$1 '); }

  providers.forEach(function (p) {
    var o = document.createElement('option'); o.value = p.id; o.textContent = p.title; $('provider').appendChild(o);
  });
  $('provider').addEventListener('change', function () {
    current = providers.filter(function (p) { return p.id === $('provider').value; })[0];
    ruleId = null; ruleLabel = null; clearQr(); renderOutcomes(); renderKinds(); $('actCard').hidden = true; refresh();
  });
  function renderKinds() {
    var kinds = current.codeKinds || [];
    $('kindField').hidden = kinds.length === 0;
    var sel = $('codeKind'); sel.innerHTML = '';
    kinds.forEach(function (k) { var o = document.createElement('option'); o.value = k.id; o.textContent = k.ru + ' · ' + k.en; sel.appendChild(o); });
  }
  function kindBody() {
    var kinds = current.codeKinds || [];
    var k = kinds.filter(function (x) { return x.id === $('codeKind').value; })[0];
    return k ? k.body : {};
  }

  function act(body, btn) {
    if (btn) btn.disabled = true;
    api('customer/act', 'POST', body).then(function () { note($('actNote'), 'Готово · done'); refresh(); })
      .catch(function (e) { note($('actNote'), 'Не удалось: ' + e.message, true); })
      .then(function () { if (btn) btn.disabled = false; });
  }
  function button(a, onClick) {
    var b = document.createElement('button'); b.type = 'button'; b.textContent = a.ru + ' · ' + a.en;
    b.addEventListener('click', function () { onClick(b); }); return b;
  }
  var codeFor = null;
  function renderActions(p) {
    if (!p || !p.items) { $('actCard').hidden = true; return; }
    $('actCard').hidden = false;
    var list = $('actItems'); list.innerHTML = '';
    // The provider's own desk actions (O!plati's merchant cabinet) follow the customer's.
    var all = p.items.concat(p.cabinet || []);
    if (!all.length) { var e = document.createElement('li'); e.className = 'state'; e.textContent = 'Ничего не ждёт · nothing waiting'; list.appendChild(e); }
    all.forEach(function (it) {
      var li = document.createElement('li'); li.style.display = 'block';
      var t = document.createElement('span'); t.textContent = it.ru + ' · ' + it.en; li.appendChild(t);
      if (it.detail) { var d = document.createElement('span'); d.className = 'detail'; d.textContent = it.detail; li.appendChild(d); }
      var acts = document.createElement('div'); acts.className = 'acts';
      it.actions.forEach(function (a) { acts.appendChild(button(a, function (b) { act(a.body, b); })); });
      li.appendChild(acts); list.appendChild(li);
    });
    var ce = p.codeEntry;
    $('codeBox').hidden = !ce;
    if (ce && codeFor !== current.id) {
      codeFor = current.id;
      $('codeLabel').textContent = ce.ru + ' · ' + ce.en;
      var box = $('codeActs'); box.innerHTML = '';
      ce.actions.forEach(function (a) {
        box.appendChild(button(a, function (b) {
          var body = {}; Object.keys(a.body).forEach(function (k) { body[k] = a.body[k]; });
          body.code = $('codeInput').value.trim(); act(body, b);
        }));
      });
    }
  }

  function clearQr() {
    if (countdown) clearInterval(countdown);
    $('qrShown').hidden = true; $('qrEmpty').hidden = false; $('qrCard').classList.remove('expired');
  }

  $('mint').addEventListener('click', function () {
    $('mint').disabled = true; note($('mintNote'), '');
    api('wallet/token', 'POST', kindBody()).then(function (t) {
      $('qrImg').src = '/sandbox/phone/qr.svg?text=' + encodeURIComponent(t.token);
      var digitsOnly = /^[0-9]+$/.test(t.token);
      $('digits').textContent = digitsOnly ? group(t.token) : t.token;
      $('digits').className = 'digits' + (digitsOnly ? '' : ' text');
      $('qrEmpty').hidden = true; $('qrShown').hidden = false; $('qrCard').classList.remove('expired');
      var started = Date.now(), ttl = t.ttlMs;
      if (countdown) clearInterval(countdown);
      var tick = function () {
        var left = Math.max(0, ttl - (Date.now() - started));
        $('barFill').style.width = (ttl > 0 ? (100 * left / ttl) : 0) + '%';
        if (left <= 0) {
          $('qrCard').classList.add('expired');
          $('ttl').innerHTML = 'Срок действия истёк <span class="en">Expired: show a new one</span>';
          clearInterval(countdown);
        } else {
          $('ttl').innerHTML = 'Действителен ещё ' + Math.ceil(left / 1000) + ' с <span class="en">Valid for ' + Math.ceil(left / 1000) + ' s more (sandbox clock may differ)</span>';
        }
      };
      tick(); countdown = setInterval(tick, 250);
    }).catch(function (e) { note($('mintNote'), 'Не удалось: ' + e.message, true); })
      .then(function () { $('mint').disabled = false; });
  });

  function renderOutcomes() {
    var box = $('outcomes'); box.innerHTML = '';
    current.outcomes.forEach(function (o, i) {
      var l = document.createElement('label'); l.className = 'chip';
      var input = document.createElement('input'); input.type = 'radio'; input.name = 'outcome'; input.value = o.id; input.checked = i === 0;
      var span = document.createElement('span'); span.textContent = o.ru;
      var en = document.createElement('span'); en.className = 'en'; en.textContent = o.en; en.style.cssText = 'display:block;border:0;padding:0';
      span.appendChild(en); l.appendChild(input); l.appendChild(span); box.appendChild(l);
      input.addEventListener('change', function () { choose(o); });
    });
    note($('ruleNote'), 'Следующий платёж пройдёт обычно · the next payment runs normally');
  }

  function choose(o) {
    var drop = ruleId === null ? Promise.resolve() : api('faults/' + ruleId, 'DELETE').catch(function () {});
    drop.then(function () {
      ruleId = null; ruleLabel = null;
      if (!o.rule) { note($('ruleNote'), 'Следующий платёж пройдёт обычно · the next payment runs normally'); return; }
      return api('faults', 'POST', o.rule).then(function (r) {
        ruleId = r.id; ruleLabel = o.ru;
        note($('ruleNote'), 'Следующий платёж: ' + o.ru + ' · next payment: ' + o.en);
      });
    }).catch(function (e) { note($('ruleNote'), 'Не удалось: ' + e.message, true); });
  }

  function refresh() {
    if (document.hidden) return;
    if (ruleId !== null) {
      api('faults').then(function (rules) {
        var alive = rules.some(function (r) { return r.id === ruleId; });
        if (!alive && ruleId !== null) {
          note($('ruleNote'), 'Сработало: ' + ruleLabel + '. Дальше — обычно · applied; next payments run normally');
          ruleId = null; ruleLabel = null;
          var first = document.querySelector('#outcomes input'); if (first) first.checked = true;
        }
      }).catch(function () {});
    }
    api('customer/pending').then(renderActions).catch(function () { $('actCard').hidden = true; });
    api('state').then(function (s) {
      var list = $('pays'); list.innerHTML = '';
      var pays = (s && s.payments) ? s.payments.slice(-5).reverse() : [];
      if (!pays.length) { var e = document.createElement('li'); e.className = 'state'; e.textContent = 'Платежей нет · none yet'; list.appendChild(e); return; }
      pays.forEach(function (p) {
        var li = document.createElement('li');
        var a = document.createElement('span');
        a.textContent = (p.amount / 100).toLocaleString('ru-RU', { maximumFractionDigits: 2 }) + ' · ' + (p.createdAt ? new Date(p.createdAt).toLocaleTimeString('ru-RU') : '');
        var st = document.createElement('span'); st.className = 'state'; st.textContent = STATES[p.state] || p.state;
        li.appendChild(a); li.appendChild(st); list.appendChild(li);
      });
    }).catch(function () {});
  }

  renderOutcomes(); renderKinds(); refresh(); setInterval(refresh, 2000);
})();
</script>
</body>
</html>
`
}
