// The sample host (docs/host-contract.md, `GET /sandbox/host`): a self-contained page
// playing the sales software of a till or self-checkout. It opens Paydesk in a window or embeds
// it in an iframe, sends pay / cancel / refund / void / status requests by postMessage to
// Paydesk's origin only, hears answers only from that origin, and lists every message it got.
// Serve it from another origin (the browser tests do) to see the contract as a real host does.

/** JSON inside a <script> element: `<` escaped so no text can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

export function hostPage(paydeskOrigin: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Paydesk sample host</title>
<style>
  body { font: 16px system-ui, sans-serif; margin: 0; padding: 16px; background: #f4f6f8; color: #1c2630; }
  fieldset { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; border: 1px solid #c8d1db; border-radius: 10px; background: #fff; }
  label { display: flex; flex-direction: column; gap: 4px; }
  input, select { font-size: 1rem; padding: 8px; min-height: 28px; }
  button { font-size: 1rem; padding: 10px 16px; min-height: 44px; border-radius: 8px; border: 2px solid #0b5cad; background: #fff; color: #0b5cad; font-weight: 600; cursor: pointer; }
  #log { font: 13px ui-monospace, monospace; background: #fff; border-radius: 10px; padding: 8px 8px 8px 32px; max-height: 240px; overflow: auto; }
  iframe { width: 100%; height: 900px; border: 1px solid #c8d1db; border-radius: 10px; background: #fff; }
</style></head>
<body>
<h1>Paydesk sample host</h1>
<fieldset>
  <label>Paydesk origin <input id="origin" size="32"></label>
  <label>Screen <select id="screen"><option value="self">Self-checkout (#/self)</option><option value="pay">Till (#/pay)</option></select></label>
  <label>Idle, s <input id="idle" placeholder="60" inputmode="numeric" size="4"></label>
  <button id="open">Open Paydesk</button>
  <button id="embed">Embed Paydesk</button>
</fieldset>
<fieldset>
  <label>Order <input id="order" value="A-1001"></label>
  <label>Amount, minor units <input id="amount" value="150000" inputmode="numeric"></label>
  <label>Currency <input id="currency" placeholder="any" size="4" maxlength="3"></label>
  <button id="pay">Pay</button>
  <button id="payUrl">Pay by URL</button>
  <button id="cancel">Cancel</button>
  <label>Refund amount <input id="refundAmount" placeholder="all" inputmode="numeric" size="10"></label>
  <button id="refund">Refund</button>
  <button id="void">Void</button>
  <button id="status">Status</button>
  <label>Request id <input id="requestId" placeholder="new each time" size="10"></label>
  <label>Supervisor PIN <input id="supervisorPin" placeholder="the till asks" inputmode="numeric" size="8"></label>
</fieldset>
<h2>Messages from Paydesk</h2>
<ol id="log" aria-label="Messages from Paydesk"></ol>
<div id="frame"></div>
<script>
(() => {
  const $ = (id) => document.getElementById(id)
  $('origin').value = ${scriptJson(paydeskOrigin)}
  let win = null
  let ready = null
  let readyResolve = null
  let n = 0
  const origin = () => new URL($('origin').value).origin
  const resetReady = () => { ready = new Promise((r) => (readyResolve = r)) }
  resetReady()
  const url = (hash) => origin() + '/#/' + hash
  function open(hash) {
    resetReady()
    $('frame').textContent = ''
    win = window.open(url(hash || $('screen').value), 'paydesk')
  }
  function embed() {
    resetReady()
    const f = document.createElement('iframe')
    f.src = url($('screen').value)
    f.allow = 'camera; serial; fullscreen; autoplay'
    f.title = 'Paydesk'
    $('frame').replaceChildren(f)
    win = f.contentWindow
  }
  async function send(msg) {
    if (!win || win.closed) open()
    // Paydesk says \`paydesk.ready\` only to allowed origins: a host it does not know sends anyway after 5 s.
    await Promise.race([ready, new Promise((r) => setTimeout(r, 5000))])
    // A fixed request id plays a host that resends the same request (after its own timeout).
    win.postMessage({ ...msg, requestId: $('requestId').value || 'r' + ++n }, origin())
  }
  window.addEventListener('message', (e) => {
    if (e.origin !== origin()) return
    if (e.data && e.data.type === 'paydesk.ready') readyResolve()
    const li = document.createElement('li')
    li.dataset.type = String(e.data && e.data.type)
    li.textContent = JSON.stringify(e.data)
    $('log').append(li)
  })
  $('open').onclick = () => open()
  $('embed').onclick = () => embed()
  // The sale's currency (ISO 4217) when given: Paydesk offers only payment types of it.
  const currency = () => ($('currency').value ? { currency: $('currency').value } : {})
  const payMsg = () => ({ type: 'paydesk.pay', order: $('order').value, amount: $('amount').value, ...currency() })
  $('pay').onclick = () => send(payMsg())
  // A URL alone carries no authority (any page can open one): the host confirms the order by message.
  $('payUrl').onclick = () => {
    const idle = $('idle').value ? '&idle=' + encodeURIComponent($('idle').value) : ''
    const cur = $('currency').value ? '&currency=' + encodeURIComponent($('currency').value) : ''
    open($('screen').value + '?amount=' + encodeURIComponent($('amount').value) + '&order=' + encodeURIComponent($('order').value) + cur + idle)
    return send(payMsg())
  }
  const approval = () => ($('supervisorPin').value ? { supervisorPin: $('supervisorPin').value } : {})
  $('cancel').onclick = () => send({ type: 'paydesk.cancel', order: $('order').value, ...approval() })
  $('refund').onclick = () => send({ type: 'paydesk.refund', order: $('order').value, ...($('refundAmount').value ? { amount: $('refundAmount').value } : {}), ...approval() })
  $('void').onclick = () => send({ type: 'paydesk.void', order: $('order').value, ...approval() })
  $('status').onclick = () => send({ type: 'paydesk.status', order: $('order').value })
})()
</script>
</body></html>`
}
